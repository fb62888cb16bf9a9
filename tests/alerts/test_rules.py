"""Each alert rule at the day before, on and after its checkpoint, and with its cause gone.

Pure: no app, no database. Offsets come from config/alerts.toml as the app reads it (alert_config), so
they live in one place, and the continuity window from tracker/pathway/continuity.py.
P is the planned release date (planning only), A the actual, recorded release (everything after it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tracker.alerts import rules
from tracker.alerts.config import ALERTS_TOML, WINDOW_SETTINGS, AlertConfigError, alert_config
from tracker.alerts.rules import AlertFacts, AppointmentFacts, ReleaseFacts, ScreeningFacts, StageFacts
from tracker.pathway.continuity import CONTINUITY_DAYS
from tracker.pathway.dates import add_working_days, planned_release
from tracker.pathway.stages import KINDS as STAGE_KINDS

CONFIG = alert_config()["rules"]
LONDON = ZoneInfo("Europe/London")
DAY = timedelta(days=1)

P = date(2026, 9, 16)  # a Wednesday, no bank holiday near
A = date(2026, 9, 21)  # a Monday: released five days after P, so nothing can pass by keying off P
FRIDAY = date(2026, 9, 18)
SATURDAY = date(2026, 9, 19)
MAUNDY_THURSDAY_2027 = date(2027, 3, 25)  # the day before Good Friday, 26 March 2027
START = date(2026, 6, 1)  # a Monday
R = date(2026, 9, 16)  # any other anchor: a screening, an ATR's end, an alert

PRE_RELEASE = (
    "pre_release_planning",
    "treatment_referral_missing",
    "first_appointment_missing",
    "accommodation_missing",
    "release_date_unconfirmed",
    "non_working_day_release",
    "friday_release",
)
POST_RELEASE = (
    "released",
    "probation_first_appointment_missed",
    "not_engaged_7",
    "not_engaged_14",
    "continuity_outcome",
)


def checkpoint(anchor: date, rule_id: str) -> date:
    """Where config/alerts.toml puts this rule's checkpoint for this anchor."""
    config = CONFIG[rule_id]
    if rule_id == "probation_first_appointment_missed":
        # Missed once the first working day after release has gone by: the day after it.
        return add_working_days(anchor, config["working_days"]) + DAY
    if "working_days" in config:
        return add_working_days(anchor, config["working_days"])
    return anchor + timedelta(days=config["offset_days"])


def release(dates: Mapping[str, date] | None = None, **fields) -> ReleaseFacts:
    """A release handover for a person with an alcohol need, P worked out from its dates as the sweep does."""
    release_dates = {"crd": P} if dates is None else dict(dates)
    planned = planned_release(release_dates)
    return ReleaseFacts(
        **(
            {
                "planned_on": planned.on if planned else None,
                "planned_basis": planned.basis if planned else None,
                "release_dates": release_dates,
                "alcohol_need": True,
            }
            | fields
        )
    )


def released(on: date = A, dates: Mapping[str, date] | None = None, **fields) -> ReleaseFacts:
    return release(dates, released_on=on, **fields)


def stage(**fields) -> StageFacts:
    return StageFacts(**({"kind": "custody", "start_on": START, "open": True} | fields))


def found_on(rule_id: str, facts, today: date) -> date | None:
    """The checkpoint of the finding this rule returns today, or None when nothing is due."""
    finding = RULES[rule_id](facts, today, CONFIG[rule_id])
    return finding.checkpoint_on if finding else None


WITHIN = CONTINUITY_DAYS
LOOKBACK = CONFIG["screening_due"]["lookback_days"]

# rule id: (facts on which it is due, its checkpoint, the same facts with the cause gone)
CASES = {
    "pre_release_planning": (release(), checkpoint(P, "pre_release_planning"), released()),
    "treatment_referral_missing": (
        release(),
        checkpoint(P, "treatment_referral_missing"),
        release(treatment_referral_on=P - 40 * DAY),
    ),
    "first_appointment_missing": (
        release(community_appointments_on=(P + (WITHIN + 1) * DAY,)),  # booked, but too late to count
        checkpoint(P, "first_appointment_missing"),
        release(community_appointments_on=(P + WITHIN * DAY,)),
    ),
    "accommodation_missing": (
        release(accommodation="in_progress"),
        checkpoint(P, "accommodation_missing"),
        release(accommodation="done"),
    ),
    "release_date_unconfirmed": (
        release({"crd": P}),
        checkpoint(P, "release_date_unconfirmed"),
        release({"crd": P, "confirmed": P}),
    ),
    "non_working_day_release": (
        release({"crd": SATURDAY}),
        checkpoint(SATURDAY, "non_working_day_release"),
        release({"crd": SATURDAY, "confirmed": FRIDAY}),  # CJA 1961 s.23(3)
    ),
    "friday_release": (
        release({"crd": FRIDAY}),
        checkpoint(FRIDAY, "friday_release"),
        release({"crd": FRIDAY, "confirmed": FRIDAY - 2 * DAY}),  # two working days earlier (2023 Act)
    ),
    "released": (released(), checkpoint(A, "released"), None),  # an event: nothing takes it back
    "probation_first_appointment_missed": (
        released(probation_attended_on=(A - 3 * DAY,)),  # attended before release does not count
        checkpoint(A, "probation_first_appointment_missed"),
        released(probation_attended_on=(A + DAY,)),
    ),
    "not_engaged_7": (
        released(treatment_started_on=(A - DAY,)),  # started before release does not count
        checkpoint(A, "not_engaged_7"),
        released(treatment_started_on=(A + 2 * DAY,)),
    ),
    "not_engaged_14": (
        released(),
        checkpoint(A, "not_engaged_14"),
        released(treatment_started_on=(A + 9 * DAY,)),
    ),
    "continuity_outcome": (released(), checkpoint(A, "continuity_outcome"), released(alcohol_need=False)),
    "community_responsibility_due": (
        stage(community_responsibility_on=R),
        checkpoint(R, "community_responsibility_due"),
        stage(community_responsibility_on=R, open=False),
    ),
    "custody_reception_withdrawal_risk": (
        stage(alcohol_need=True, recorded_on=START),
        checkpoint(START, "custody_reception_withdrawal_risk"),
        stage(
            alcohol_need=False,
            highest_audit_score=CONFIG["custody_reception_withdrawal_risk"]["audit_score"] - 1,
            recorded_on=START,
        ),
    ),
    "screening_due": (
        stage(kind="court", screened_on=(START - (LOOKBACK + 1) * DAY,)),
        checkpoint(START, "screening_due"),
        stage(kind="court", screened_on=(START - LOOKBACK * DAY,)),
    ),
    "atr_treatment_not_started": (
        stage(kind="atr", treatment_started_on=(START - DAY,)),  # before the order does not count
        checkpoint(START, "atr_treatment_not_started"),
        stage(kind="atr", treatment_started_on=(START + 3 * DAY,)),
    ),
    "atr_exit_planning": (
        stage(kind="atr", atr_end_on=R),
        checkpoint(R, "atr_exit_planning"),
        stage(kind="atr", atr_end_on=R, open=False),
    ),
    "stage_overdue": (
        stage(expected_end_on=R),
        checkpoint(R, "stage_overdue"),
        stage(expected_end_on=R, open=False),
    ),
    "specialist_referral_needed": (
        ScreeningFacts(R, 4),
        checkpoint(R, "specialist_referral_needed"),
        ScreeningFacts(R, 4, specialist_referral_since=True),
    ),
    "full_audit_needed": (
        ScreeningFacts(R, None, tool="audit_c", positive=True),
        checkpoint(R, "full_audit_needed"),
        ScreeningFacts(R, None, tool="audit_c", positive=True, full_audit_since=True),
    ),
    "escalated": (
        AlertFacts("urgent", "open", R, "first_appointment_missing"),
        checkpoint(R, "escalated"),
        AlertFacts("urgent", "acknowledged", R, "first_appointment_missing"),
    ),
}
RULES = (
    rules.RELEASE_RULES
    | rules.CUSTODY_RULES
    | rules.ATR_RULES
    | rules.SCREENING_RULES
    | {
        "screening_due": rules.screening_due,
        "stage_overdue": rules.stage_overdue,
        "escalated": rules.escalated,
    }
)


def test_every_rule_the_sweep_runs_by_day_has_a_case_and_a_config():
    assert set(CASES) == set(RULES)
    assert set(RULES) | set(rules.APPOINTMENT_RULES) <= set(CONFIG)
    assert set(rules.RELEASE_RULES) == set(PRE_RELEASE) | set(POST_RELEASE)


@pytest.mark.parametrize("rule_id", CASES)
def test_a_rule_is_not_due_the_day_before_its_checkpoint(rule_id):
    facts, cp, _ = CASES[rule_id]
    assert RULES[rule_id](facts, cp - DAY, CONFIG[rule_id]) is None


@pytest.mark.parametrize("rule_id", CASES)
def test_a_rule_is_due_on_its_checkpoint(rule_id):
    facts, cp, _ = CASES[rule_id]
    finding = RULES[rule_id](facts, cp, CONFIG[rule_id])
    assert finding is not None and finding.checkpoint_on == cp
    assert finding.message


@pytest.mark.parametrize("rule_id", CASES)
def test_a_rule_stays_due_for_the_same_checkpoint_after_it(rule_id):
    facts, cp, _ = CASES[rule_id]
    assert found_on(rule_id, facts, cp + DAY) == cp


@pytest.mark.parametrize("rule_id", [r for r, case in CASES.items() if case[2] is not None])
@pytest.mark.parametrize("days_after", [0, 1, 30])
def test_a_rule_is_not_due_once_its_cause_is_gone(rule_id, days_after):
    _, cp, cleared = CASES[rule_id]
    assert RULES[rule_id](cleared, cp + days_after * DAY, CONFIG[rule_id]) is None


def test_checkpoints_fall_where_design_puts_them():
    """P-84, P-28, P-7 before the planned release; A, A+7, A+14, A+21 after the recorded one."""
    before_p = {rule_id: (checkpoint(P, rule_id) - P).days for rule_id in PRE_RELEASE}
    after_a = {rule_id: (checkpoint(A, rule_id) - A).days for rule_id in POST_RELEASE}
    assert before_p == {
        "pre_release_planning": -84,
        "treatment_referral_missing": -28,
        "first_appointment_missing": -7,
        "accommodation_missing": -7,
        "release_date_unconfirmed": -7,
        "non_working_day_release": -84,
        "friday_release": -84,
    }
    # A is a Monday: the first working day after it is Tuesday, missed once Wednesday comes.
    assert after_a == {
        "released": 0,
        "probation_first_appointment_missed": 2,
        "not_engaged_7": 7,
        "not_engaged_14": 14,
        "continuity_outcome": 21,
    }


def test_planning_rules_anchor_on_p_and_release_rules_on_a():
    assert {CONFIG[rule_id]["anchor"] for rule_id in PRE_RELEASE} == {"planned_release"}
    assert {CONFIG[rule_id]["anchor"] for rule_id in POST_RELEASE} == {"actual_release"}


def test_the_numbers_in_the_config_are_the_design_s():
    assert WITHIN == 21
    assert CONFIG["continuity_outcome"]["offset_days"] == CONTINUITY_DAYS
    assert LOOKBACK == 90
    assert CONFIG["custody_reception_withdrawal_risk"]["recorded_within_days"] == 5
    assert CONFIG["custody_reception_withdrawal_risk"]["audit_score"] == 20


@pytest.mark.parametrize(("rule_id", "setting"), WINDOW_SETTINGS)
def test_the_config_may_not_set_the_continuity_window(tmp_path, rule_id, setting):
    """A window set in the file would move the alerts and not the sweep, the board or the reports."""
    edited = tmp_path / "alerts.toml"
    text = ALERTS_TOML.read_text()
    edited.write_text(text.replace(f"[rules.{rule_id}]\n", f"[rules.{rule_id}]\n{setting} = 28\n"))

    with pytest.raises(AlertConfigError, match="CONTINUITY_DAYS"):
        alert_config(edited)


@pytest.mark.parametrize(
    ("rule_id", "edit"),
    [
        ("atr_treatment_not_started", lambda text: text.replace("working_days = 10\n", "")),
        ("escalated", lambda text: text.replace("working_days = 2\n", "working_days = -1\n")),
        (
            "atr_exit_planning",
            lambda text: text.replace(
                "[rules.atr_exit_planning]\n", "[rules.atr_exit_planning]\nworking_days = 3\n"
            ),
        ),
    ],
)
def test_the_config_gives_working_days_to_exactly_the_rules_counted_in_them(tmp_path, rule_id, edit):
    """Missing, the sweep would fail every subject of the rule; on another rule, it would be ignored."""
    edited = tmp_path / "alerts.toml"
    text = ALERTS_TOML.read_text()
    assert edit(text) != text
    edited.write_text(edit(text))

    with pytest.raises(AlertConfigError, match=f"{rule_id} working_days"):
        alert_config(edited)


def test_the_window_s_messages_say_its_number():
    facts = release(community_appointments_on=())
    finding = RULES["first_appointment_missing"](facts, P - 7 * DAY, CONFIG["first_appointment_missing"])
    assert f"within {CONTINUITY_DAYS} days after release" in finding.message


# --- P: planning only ----------------------------------------------------------------------------

# The dates behind a P on 16 September 2026, by what P rests on.
P_BY_BASIS = {
    "confirmed": {"crd": P + 30 * DAY, "confirmed": P},
    "hdcad": {"crd": P + 60 * DAY, "hdcad": P},
    "crd": {"crd": P, "ard": P + DAY},
    "ard": {"ard": P, "crd": P + DAY},
    "ped": {"ped": P},
}
# What falls due at its checkpoint before P, for a person with an alcohol need and nothing done.
DUE_BEFORE_P = {
    "confirmed": {
        "pre_release_planning",
        "treatment_referral_missing",
        "first_appointment_missing",
        "accommodation_missing",
    },
    "hdcad": {
        "pre_release_planning",
        "treatment_referral_missing",
        "first_appointment_missing",
        "accommodation_missing",
        "release_date_unconfirmed",
    },
    "crd": {
        "pre_release_planning",
        "treatment_referral_missing",
        "first_appointment_missing",
        "accommodation_missing",
        "release_date_unconfirmed",
    },
    "ped": {"pre_release_planning"},  # the rest wait for the Parole Board's direction
}
DUE_BEFORE_P["ard"] = DUE_BEFORE_P["crd"]


def test_p_rests_on_the_basis_each_case_names():
    assert {basis: release(dates).planned_basis for basis, dates in P_BY_BASIS.items()} == {
        basis: basis for basis in P_BY_BASIS
    }


@pytest.mark.parametrize("basis", P_BY_BASIS)
@pytest.mark.parametrize("rule_id", PRE_RELEASE[:5])
@pytest.mark.parametrize("days", [-1, 0, 1])
def test_planning_checkpoints_count_back_from_p_on_every_basis_but_ped(basis, rule_id, days):
    cp = checkpoint(P, rule_id)
    expected = cp if rule_id in DUE_BEFORE_P[basis] and days >= 0 else None
    assert found_on(rule_id, release(P_BY_BASIS[basis]), cp + days * DAY) == expected


@pytest.mark.parametrize("ped", [P, FRIDAY, SATURDAY], ids=["wednesday", "friday", "saturday"])
@pytest.mark.parametrize("days", [-85, -84, -83, -28, -7, -1, 0, 1, 2, 7, 14, 21, 22, 365])
def test_a_ped_alone_raises_only_pre_release_planning_however_far_past_it(ped, days):
    facts = release({"ped": ped})  # an alcohol need, nothing booked, no bed, nothing confirmed
    today = ped + days * DAY
    due = {rule_id for rule_id in rules.RELEASE_RULES if found_on(rule_id, facts, today)}
    assert due == ({"pre_release_planning"} if today >= checkpoint(ped, "pre_release_planning") else set())


def test_planning_for_a_ped_says_it_is_parole_eligibility_not_a_release():
    finding = rules.pre_release_planning(release({"ped": P}), P, CONFIG["pre_release_planning"])
    assert "Parole eligibility" in finding.message and "Parole Board's direction" in finding.message
    assert "Planned release" not in finding.message


def test_planning_for_a_release_says_it_is_planned():
    finding = rules.pre_release_planning(release({"crd": P}), P, CONFIG["pre_release_planning"])
    assert finding.message.startswith(f"Planned release on {P}")
    assert "Parole" not in finding.message


@pytest.mark.parametrize("rule_id", PRE_RELEASE[1:5])
def test_a_confirmed_date_after_a_ped_opens_the_checkpoints_the_ped_held_back(rule_id):
    """The Parole Board directed release: the confirmed date is P, and planning counts back from it."""
    facts = release({"ped": P - 40 * DAY, "confirmed": P})
    expected = None if rule_id == "release_date_unconfirmed" else checkpoint(P, rule_id)
    assert found_on(rule_id, facts, checkpoint(P, rule_id)) == expected


@pytest.mark.parametrize("basis", P_BY_BASIS)
@pytest.mark.parametrize("days", [0, 1, 2, 7, 14, 21, 22, 365])
def test_a_planned_date_passing_with_no_release_recorded_raises_no_release_event(basis, days):
    facts = release(P_BY_BASIS[basis])
    assert {rule_id for rule_id in POST_RELEASE if found_on(rule_id, facts, P + days * DAY)} == set()


@pytest.mark.parametrize("days", [-1, 0, 1])
def test_custody_past_its_confirmed_date_is_a_release_not_recorded(days):
    facts = stage(kind="custody", expected_end_on=P)
    cp = checkpoint(P, "stage_overdue")
    finding = rules.stage_overdue(facts, cp + days * DAY, CONFIG["stage_overdue"])
    assert (finding.message if finding else None) == (
        f"Release not recorded: the release date {P} has passed with custody open." if days >= 0 else None
    )


def test_another_stage_past_its_expected_end_asks_what_happened():
    facts = stage(kind="court", expected_end_on=R)
    finding = rules.stage_overdue(facts, checkpoint(R, "stage_overdue"), CONFIG["stage_overdue"])
    assert "court stage was expected to end" in finding.message and "Release" not in finding.message


# --- weekend and Friday flags at P-84 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "dates", "flagged"),
    [
        ("non_working_day_release", {"crd": SATURDAY}, True),
        ("friday_release", {"crd": SATURDAY}, True),
        # A Saturday CRD brought to Friday (s.23(3)) is a Friday release, not a weekend one.
        ("non_working_day_release", {"crd": SATURDAY, "confirmed": FRIDAY}, False),
        ("friday_release", {"crd": SATURDAY, "confirmed": FRIDAY}, True),
        ("friday_release", {"crd": FRIDAY}, True),
        # A confirmed Wednesday, two working days before a Friday CRD, clears the Friday flag.
        ("friday_release", {"crd": FRIDAY, "confirmed": FRIDAY - 2 * DAY}, False),
        ("friday_release", {"crd": MAUNDY_THURSDAY_2027}, True),
        ("non_working_day_release", {"crd": MAUNDY_THURSDAY_2027}, False),
        ("friday_release", {"hdcad": FRIDAY, "crd": FRIDAY + 14 * DAY}, False),
        ("non_working_day_release", {"hdcad": SATURDAY, "crd": SATURDAY + 14 * DAY}, True),
        ("friday_release", {"ped": FRIDAY}, False),
        ("non_working_day_release", {"ped": SATURDAY}, False),
        ("friday_release", {"crd": P}, False),
        ("non_working_day_release", {"crd": P}, False),
    ],
    ids=lambda value: (
        "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
    ),
)
@pytest.mark.parametrize("days", [-1, 0, 1])
def test_weekend_and_friday_flags_are_raised_at_p_minus_84_on_the_date_in_force(
    rule_id, dates, flagged, days
):
    facts = release(dates)
    cp = checkpoint(facts.planned_on, rule_id)
    assert found_on(rule_id, facts, cp + days * DAY) == (cp if flagged and days >= 0 else None)


def test_a_friday_release_is_not_flagged_without_an_alcohol_need():
    facts = release({"crd": FRIDAY}, alcohol_need=False)
    assert found_on("friday_release", facts, FRIDAY) is None


def test_the_flags_give_their_advice():
    weekend = rules.non_working_day_release_rule(
        release({"crd": SATURDAY}), SATURDAY, CONFIG["non_working_day_release"]
    )
    friday = rules.friday_release_rule(release({"crd": FRIDAY}), FRIDAY, CONFIG["friday_release"])
    assert "confirm the preceding working day" in weekend.message
    assert "up to 2 eligible working days earlier" in friday.message


# --- A: the recorded release ---------------------------------------------------------------------


@pytest.mark.parametrize("rule_id", POST_RELEASE)
@pytest.mark.parametrize("released_on", [P - 9 * DAY, P, P + 12 * DAY], ids=["before P", "on P", "after P"])
@pytest.mark.parametrize("basis", ["crd", "ped"])
@pytest.mark.parametrize("days", [-1, 0, 1])
def test_every_post_release_checkpoint_counts_from_a_whatever_p_says(rule_id, released_on, basis, days):
    facts = released(on=released_on, dates=P_BY_BASIS[basis])
    cp = checkpoint(released_on, rule_id)
    assert found_on(rule_id, facts, cp + days * DAY) == (cp if days >= 0 else None)


@pytest.mark.parametrize(
    ("released_on", "appointment_on", "missing"),
    [
        (None, P + WITHIN * DAY, False),
        (None, P + (WITHIN + 1) * DAY, True),
        (None, P - DAY, True),  # before release it is no community appointment
        (A, A + WITHIN * DAY, False),  # the 21 days run from A once it is recorded
        (A, A + (WITHIN + 1) * DAY, True),
        (A, A - DAY, True),
    ],
)
def test_the_first_appointment_must_fall_within_21_days_after_release(released_on, appointment_on, missing):
    facts = release(released_on=released_on, community_appointments_on=(appointment_on,))
    cp = checkpoint(P, "first_appointment_missing")
    assert found_on("first_appointment_missing", facts, A + DAY) == (cp if missing else None)


@pytest.mark.parametrize(
    "rule_id", ["treatment_referral_missing", "first_appointment_missing", "accommodation_missing"]
)
def test_gaps_found_before_release_stay_open_after_it(rule_id):
    """Release does not book an appointment or find a bed: those alerts stay until someone does."""
    assert found_on(rule_id, released(), A + DAY) == checkpoint(P, rule_id)


@pytest.mark.parametrize(
    "rule_id",
    ["pre_release_planning", "release_date_unconfirmed", "non_working_day_release", "friday_release"],
)
def test_planning_alerts_go_once_the_release_is_recorded(rule_id):
    facts = CASES[rule_id][0]
    assert found_on(rule_id, facts, facts.planned_on) is not None
    assert found_on(rule_id, replace(facts, released_on=facts.planned_on), facts.planned_on) is None


@pytest.mark.parametrize(
    ("started_on", "engaged"),
    [(A - DAY, False), (A, True), (A + 21 * DAY, True), (A + 22 * DAY, False)],
)
def test_continuity_is_a_treatment_start_from_a_to_a_plus_21(started_on, engaged):
    assert rules.engaged_within_21_days(released(treatment_started_on=(started_on,))) is engaged


def test_there_is_no_continuity_before_a_release_is_recorded():
    assert not rules.engaged_within_21_days(release(treatment_started_on=(P, P + DAY)))


@pytest.mark.parametrize(
    ("started_on", "outcome"), [(A + 21 * DAY, "engaged in"), (A + 22 * DAY, "did not engage in")]
)
def test_the_continuity_outcome_is_fixed_at_a_plus_21(started_on, outcome):
    facts = released(treatment_started_on=(started_on,))
    finding = rules.continuity_outcome(facts, A + 30 * DAY, CONFIG["continuity_outcome"])
    assert finding.message == f"Continuity of care fixed at 21 days: {outcome} community treatment."


@pytest.mark.parametrize("rule_id", ["not_engaged_7", "not_engaged_14"])
@pytest.mark.parametrize("days", [-1, 0])
def test_not_engaged_resolves_the_day_treatment_starts_late(rule_id, days):
    late = A + 20 * DAY
    cp = checkpoint(A, rule_id)
    facts = released(treatment_started_on=(late,))
    assert found_on(rule_id, facts, late + days * DAY) == (cp if days < 0 else None)


@pytest.mark.parametrize("rule_id", POST_RELEASE[1:])
def test_a_person_without_an_alcohol_need_is_not_chased_for_treatment_after_release(rule_id):
    expected = checkpoint(A, rule_id) if rule_id == "probation_first_appointment_missed" else None
    assert found_on(rule_id, released(alcohol_need=False), A + 30 * DAY) == expected


def test_a_person_without_an_alcohol_need_needs_no_treatment_referral():
    assert found_on("treatment_referral_missing", release(alcohol_need=False), P) is None


# --- stages --------------------------------------------------------------------------------------

WITHIN_RECEPTION = CONFIG["custody_reception_withdrawal_risk"]["recorded_within_days"]


@pytest.mark.parametrize(
    ("late_by", "due"),
    [
        (0, True),
        (WITHIN_RECEPTION - 1, True),
        (WITHIN_RECEPTION, True),
        (WITHIN_RECEPTION + 1, False),
        (60, False),
    ],
)
def test_withdrawal_risk_is_raised_only_when_custody_is_recorded_at_reception(late_by, due):
    recorded_on = START + late_by * DAY
    facts = stage(alcohol_need=True, recorded_on=recorded_on)
    assert found_on("custody_reception_withdrawal_risk", facts, recorded_on) == (START if due else None)


@pytest.mark.parametrize(("score", "due"), [(19, False), (20, True), (40, True)])
def test_a_withdrawal_risk_is_an_audit_of_20_or_more_without_a_recorded_need(score, due):
    facts = stage(highest_audit_score=score, recorded_on=START)
    assert found_on("custody_reception_withdrawal_risk", facts, START) == (START if due else None)


def test_screening_is_due_on_entering_arrest_court_atr_or_custody():
    assert set(rules.SCREENED_AT) == {"arrest", "court", "atr", "custody"}


@pytest.mark.parametrize("kind", rules.SCREENED_AT)
def test_the_screening_due_alert_names_the_stage(kind):
    finding = rules.screening_due(stage(kind=kind), START, CONFIG["screening_due"])
    assert f"this {kind} stage" in finding.message


@pytest.mark.parametrize("days", [-1, 0, 1])
def test_screening_due_resolves_the_day_a_screening_is_recorded(days):
    screened_on = START + 10 * DAY
    facts = stage(kind="arrest", screened_on=(screened_on,))
    assert found_on("screening_due", facts, screened_on + days * DAY) == (START if days < 0 else None)


def test_screening_due_is_not_raised_for_a_closed_stage():
    assert found_on("screening_due", stage(kind="court", open=False), START) is None


def test_atr_treatment_not_started_resolves_once_treatment_starts_late():
    facts = stage(kind="atr", treatment_started_on=(START + 20 * DAY,))
    cp = checkpoint(START, "atr_treatment_not_started")
    assert found_on("atr_treatment_not_started", facts, START + 19 * DAY) == cp
    assert found_on("atr_treatment_not_started", facts, START + 20 * DAY) is None


# --- screenings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", [1, 2, 3, None])
def test_only_audit_zone_iv_needs_a_specialist_referral(zone):
    assert found_on("specialist_referral_needed", ScreeningFacts(R, zone), R) is None


@pytest.mark.parametrize(
    ("tool", "positive", "due"),
    [
        ("audit_c", True, True),
        ("fast", True, True),
        ("audit_c", False, False),
        ("fast", False, False),
        ("audit", True, False),
    ],
)
def test_a_positive_audit_c_or_fast_asks_for_a_full_audit(tool, positive, due):
    facts = ScreeningFacts(R, None, tool=tool, positive=positive)
    assert found_on("full_audit_needed", facts, R) == (R if due else None)


# --- alerts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("severity", ["info", "warning"])
def test_only_urgent_alerts_escalate(severity):
    facts = AlertFacts(severity, "open", R, "released")
    assert rules.escalated(facts, R + 10 * DAY, CONFIG["escalated"]) is None


# --- appointments: hours, not days; enforcement ---------------------------------------------------


def outcome_missing(starts_at: datetime, now: datetime, outcome: str | None = None):
    return rules.appointment_outcome_missing(
        AppointmentFacts(starts_at, outcome), now, CONFIG["appointment_outcome_missing"]
    )


def test_an_appointment_outcome_is_missing_24_hours_after_it_starts():
    starts_at = datetime(2026, 6, 10, 10, 0, tzinfo=LONDON)
    due_at = starts_at + timedelta(hours=CONFIG["appointment_outcome_missing"]["offset_hours"])
    assert outcome_missing(starts_at, due_at - DAY) is None
    assert outcome_missing(starts_at, due_at - timedelta(seconds=1)) is None
    assert outcome_missing(starts_at, due_at).checkpoint_on == date(2026, 6, 10)
    assert outcome_missing(starts_at, due_at + DAY).checkpoint_on == date(2026, 6, 10)


@pytest.mark.parametrize("outcome", ["attended", "missed", "cancelled"])
def test_a_recorded_or_cancelled_appointment_has_no_missing_outcome(outcome):
    starts_at = datetime(2026, 6, 10, 10, 0, tzinfo=LONDON)
    assert outcome_missing(starts_at, starts_at + 3 * DAY, outcome) is None


@pytest.mark.parametrize(
    ("starts_at", "not_yet", "due"),
    [
        # Clocks go forward at 01:00 UTC on 28 March 2027: 24 hours after 10:00 GMT is 11:00 BST.
        (
            datetime(2027, 3, 27, 10, 0, tzinfo=LONDON),
            datetime(2027, 3, 28, 10, 59, tzinfo=LONDON),
            datetime(2027, 3, 28, 11, 0, tzinfo=LONDON),
        ),
        # Clocks go back at 01:00 UTC on 25 October 2026: 24 hours after 10:00 BST is 09:00 GMT.
        (
            datetime(2026, 10, 24, 10, 0, tzinfo=LONDON),
            datetime(2026, 10, 25, 8, 59, tzinfo=LONDON),
            datetime(2026, 10, 25, 9, 0, tzinfo=LONDON),
        ),
    ],
    ids=["spring forward", "fall back"],
)
def test_24_hours_are_24_hours_across_a_clock_change(starts_at, not_yet, due):
    assert outcome_missing(starts_at, not_yet) is None
    assert outcome_missing(starts_at, not_yet.astimezone(UTC)) is None
    assert outcome_missing(starts_at, due).checkpoint_on == starts_at.date()
    assert outcome_missing(starts_at.astimezone(UTC), due.astimezone(UTC)) is not None


def test_the_checkpoint_of_an_appointment_just_after_midnight_is_its_local_day():
    starts_at = datetime(2026, 6, 10, 0, 30, tzinfo=LONDON)  # 23:30 UTC on the 9th
    assert outcome_missing(starts_at, starts_at + 2 * DAY).checkpoint_on == date(2026, 6, 10)


MISSED_AT = datetime(2026, 6, 10, 10, 0, tzinfo=LONDON)
WARNED_ON = date(2026, 2, 3)


def missed(**fields) -> AppointmentFacts:
    """A second unacceptable absence from a licence or ATR requirement, within 12 months of a warning."""
    return AppointmentFacts(
        **(
            {
                "starts_at": MISSED_AT,
                "outcome": "missed",
                "absence": "unacceptable",
                "counts_for_enforcement": True,
                "warning_in_force_on": WARNED_ON,
            }
            | fields
        )
    )


def breach_review(facts: AppointmentFacts):
    return rules.breach_review_due(facts, MISSED_AT + DAY, CONFIG["breach_review_due"])


def test_a_second_unacceptable_absence_within_12_months_of_a_warning_is_a_breach_review():
    finding = breach_review(missed())
    assert finding.checkpoint_on == MISSED_AT.date()
    assert f"warning given on {WARNED_ON}" in finding.message


@pytest.mark.parametrize(
    ("on_licence", "action"), [(True, "consider recall"), (False, "consider breach action")]
)
def test_a_breach_review_on_licence_considers_recall(on_licence, action):
    assert breach_review(missed(on_licence=on_licence)).message.endswith(f"breach review due ({action}).")


@pytest.mark.parametrize(
    "cleared",
    [
        {"absence": "acceptable"},
        {"absence": "pending"},
        {"absence": None, "outcome": "attended"},
        {"counts_for_enforcement": False},  # a court hearing, or an appointment outside an ATR or licence
        {"warning_in_force_on": None},  # the first unacceptable absence gives the warning
    ],
    ids=["acceptable", "pending", "attended", "not a requirement", "no warning in force"],
)
def test_no_breach_review_without_every_part_of_its_cause(cleared):
    assert breach_review(missed(**cleared)) is None


# --- working days across bank holidays -----------------------------------------------------------


@pytest.mark.parametrize(
    ("released_on", "missed_on"),
    [
        # Thursday 24 December 2026: Christmas Friday, weekend, Boxing Day moved to Monday 28th.
        (date(2026, 12, 24), date(2026, 12, 30)),
        # Thursday 25 March 2027: Good Friday, weekend, Easter Monday.
        (date(2027, 3, 25), date(2027, 3, 31)),
        # Friday 18 December 2026: an ordinary weekend.
        (date(2026, 12, 18), date(2026, 12, 22)),
    ],
    ids=["christmas 2026", "easter 2027", "ordinary weekend"],
)
def test_the_first_probation_appointment_counts_working_days_across_holidays(released_on, missed_on):
    facts = released(on=released_on)
    assert found_on("probation_first_appointment_missed", facts, missed_on - DAY) is None
    assert found_on("probation_first_appointment_missed", facts, missed_on) == missed_on


@pytest.mark.parametrize(
    ("start_on", "due_on"),
    [
        # Monday 21 December 2026: 25th, 28th (Boxing Day substitute) and 1 January are holidays.
        (date(2026, 12, 21), date(2027, 1, 7)),
        # Monday 22 March 2027: Good Friday 26th and Easter Monday 29th.
        (date(2027, 3, 22), date(2027, 4, 7)),
        # A Saturday order: ten working days end on the second Friday.
        (date(2026, 6, 6), date(2026, 6, 19)),
    ],
    ids=["christmas 2026", "easter 2027", "saturday start"],
)
def test_atr_treatment_not_started_counts_10_working_days_across_holidays(start_on, due_on):
    facts = stage(kind="atr", start_on=start_on)
    assert found_on("atr_treatment_not_started", facts, due_on - DAY) is None
    assert found_on("atr_treatment_not_started", facts, due_on) == due_on


@pytest.mark.parametrize(
    ("raised_on", "escalated_on"),
    [
        (date(2026, 12, 24), date(2026, 12, 30)),  # Christmas 2026
        (date(2027, 3, 25), date(2027, 3, 31)),  # Easter 2027
        (date(2026, 6, 12), date(2026, 6, 16)),  # a Friday: the weekend does not count
    ],
    ids=["christmas 2026", "easter 2027", "friday"],
)
def test_escalation_counts_2_working_days_across_holidays(raised_on, escalated_on):
    facts = AlertFacts("urgent", "open", raised_on, "first_appointment_missing")
    assert found_on("escalated", facts, escalated_on - DAY) is None
    assert found_on("escalated", facts, escalated_on) == escalated_on


@pytest.mark.parametrize("kind", STAGE_KINDS)
def test_a_stage_kinds_rules_read_nothing_the_sweep_leaves_unloaded_for_it(kind):
    """The sweep loads treatment starts, the highest AUDIT score and screenings only for the stage kinds
    whose rules read them (facts.stage_subjects); for every other kind they cannot change a finding."""
    from tracker.alerts.facts import _stage_rules

    unloaded = {}
    if kind not in rules.READ_TREATMENT:
        unloaded["treatment_started_on"] = (START, START + 11 * DAY, R)
    if kind not in rules.READ_AUDIT_SCORE:
        unloaded["highest_audit_score"] = 40
    if kind not in rules.SCREENED_AT:
        unloaded["screened_on"] = (START - 10 * DAY, START, START + 3 * DAY)
    bare = StageFacts(
        kind=kind,
        start_on=START,
        open=True,
        expected_end_on=START + 30 * DAY,
        community_responsibility_on=START + 5 * DAY,
        atr_end_on=START + 60 * DAY,
        alcohol_need=True,
        recorded_on=START,
    )
    told = replace(bare, **unloaded)

    for today in (START, START + 15 * DAY, START + 40 * DAY, START + 90 * DAY):
        for rule_id, rule in _stage_rules(kind).items():
            assert rule(told, today, CONFIG[rule_id]) == rule(bare, today, CONFIG[rule_id]), (rule_id, today)


WORKING_DAY_RULES = sorted(rule_id for rule_id, rule in CONFIG.items() if "working_days" in rule)


@pytest.mark.parametrize("rule_id", WORKING_DAY_RULES)
@pytest.mark.parametrize(
    ("since_day", "today"),
    [
        (date(2026, 11, 24), date(2026, 11, 25)),  # an ordinary Tuesday to Wednesday
        (date(2026, 12, 18), date(2026, 12, 19)),  # Friday to Saturday before Christmas
        (date(2026, 12, 27), date(2026, 12, 29)),  # across the Christmas bank holidays
        (date(2027, 3, 25), date(2027, 3, 30)),  # Maundy Thursday to the Tuesday after Easter Monday
        (date(2027, 4, 30), date(2027, 5, 4)),  # the early May bank holiday weekend
        (date(2026, 9, 1), date(2026, 11, 30)),  # a sweep catching up on 90 days
    ],
)
def test_the_sweep_asks_about_exactly_the_anchors_whose_working_day_checkpoint_it_crossed(
    rule_id, since_day, today
):
    from tracker.alerts.sweep import Window

    rule = CONFIG[rule_id]
    window = Window(
        datetime.combine(since_day, datetime.min.time(), LONDON),
        datetime.combine(today, datetime.min.time(), LONDON),
        since_day,
        today,
        today - timedelta(days=84),
    )
    anchors = (since_day - timedelta(days=120) + n * DAY for n in range(130 + (today - since_day).days))
    due = [a for a in anchors if since_day < rules.working_days_checkpoint(a, rule) <= today]

    assert window.anchor_days(rule) == due


def test_a_days_sweep_asks_about_one_days_atr_starts_not_a_fortnights():
    from tracker.alerts.sweep import Window

    wednesday, thursday = date(2026, 11, 25), date(2026, 11, 26)
    window = Window(
        *(datetime.combine(d, datetime.min.time(), LONDON) for d in (wednesday, thursday)),
        wednesday,
        thursday,
        thursday - timedelta(days=84),
    )

    # Ten working days before Thursday 26 November 2026 is Thursday the 12th, and only that day.
    assert window.anchor_days(CONFIG["atr_treatment_not_started"]) == [date(2026, 11, 12)]
