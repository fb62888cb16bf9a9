"""Each alert rule at the day before, on and after its checkpoint, and with its cause gone.

Pure: no app, no database. Offsets come from config/alerts.toml so they live in one place.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker.alerts import rules
from tracker.alerts.rules import AlertFacts, AppointmentFacts, ReleaseFacts, ScreeningFacts, StageFacts
from tracker.pathway.dates import add_working_days

CONFIG = tomllib.loads((Path(__file__).resolve().parents[2] / "config" / "alerts.toml").read_text())["rules"]
LONDON = ZoneInfo("Europe/London")
DAY = timedelta(days=1)

R = date(2026, 9, 16)  # a Wednesday, no bank holiday near
FRIDAY = date(2026, 9, 18)
SATURDAY = date(2026, 9, 19)
START = date(2026, 6, 1)  # a Monday


def offset(anchor: date, rule_id: str) -> date:
    """Where config/alerts.toml puts this rule's checkpoint for this anchor."""
    config = CONFIG[rule_id]
    if "working_days" in config:
        return add_working_days(anchor, config["working_days"])
    return anchor + timedelta(days=config["offset_days"])


def release(**fields) -> ReleaseFacts:
    return ReleaseFacts(**({"release_on": R, "released": False, "alcohol_need": True} | fields))


def released(**fields) -> ReleaseFacts:
    return release(released=True, **fields)


def stage(**fields) -> StageFacts:
    return StageFacts(**({"kind": "custody", "start_on": START, "open": True} | fields))


# rule id: (facts on which it is due, its checkpoint, the same facts with the cause gone)
CASES = {
    "pre_release_planning": (release(), offset(R, "pre_release_planning"), release(released=True)),
    "treatment_referral_missing": (
        release(),
        offset(R, "treatment_referral_missing"),
        release(referral_made_on=R - 40 * DAY),
    ),
    "first_appointment_missing": (
        release(community_appointments_on=(R + 22 * DAY,)),  # booked, but too late to count
        offset(R, "first_appointment_missing"),
        release(community_appointments_on=(R + 21 * DAY,)),
    ),
    "accommodation_missing": (
        release(accommodation="in_progress"),
        offset(R, "accommodation_missing"),
        release(accommodation="done"),
    ),
    "released": (release(), offset(R, "released"), None),  # an event: nothing takes it back
    "probation_first_appointment_missed": (
        released(probation_attended_on=(R - 3 * DAY,)),  # attended before release does not count
        offset(R, "probation_first_appointment_missed") + DAY,
        released(probation_attended_on=(R + DAY,)),
    ),
    "not_engaged_7": (released(), offset(R, "not_engaged_7"), released(treatment_started_on=(R + 2 * DAY,))),
    "not_engaged_14": (
        released(),
        offset(R, "not_engaged_14"),
        released(treatment_started_on=(R + 9 * DAY,)),
    ),
    "continuity_outcome": (released(), offset(R, "continuity_outcome"), released(alcohol_need=False)),
    "non_working_day_release": (
        release(release_on=SATURDAY, release_dates={"crd": SATURDAY}),
        offset(SATURDAY, "non_working_day_release"),
        release(release_on=FRIDAY, release_dates={"crd": SATURDAY, "confirmed": FRIDAY}),
    ),
    "friday_release": (
        release(release_on=FRIDAY, release_dates={"crd": FRIDAY, "confirmed": FRIDAY}),
        offset(FRIDAY, "friday_release"),
        release(release_on=FRIDAY, release_dates={"crd": FRIDAY, "confirmed": FRIDAY}, alcohol_need=False),
    ),
    "community_responsibility_due": (
        stage(community_responsibility_on=R),
        offset(R, "community_responsibility_due"),
        stage(community_responsibility_on=R, open=False),
    ),
    "custody_reception_withdrawal_risk": (
        stage(alcohol_need=True),
        offset(START, "custody_reception_withdrawal_risk"),
        stage(
            alcohol_need=False,
            highest_audit_score=CONFIG["custody_reception_withdrawal_risk"]["audit_score"] - 1,
        ),
    ),
    "atr_treatment_not_started": (
        stage(kind="atr", treatment_started_on=(START - DAY,)),  # before the order does not count
        offset(START, "atr_treatment_not_started"),
        stage(kind="atr", treatment_started_on=(START + 3 * DAY,)),
    ),
    "atr_exit_planning": (
        stage(kind="atr", atr_end_on=R),
        offset(R, "atr_exit_planning"),
        stage(kind="atr", atr_end_on=R, open=False),
    ),
    "stage_overdue": (
        stage(expected_end_on=R),
        offset(R, "stage_overdue"),
        stage(expected_end_on=R, open=False),
    ),
    "specialist_referral_needed": (
        ScreeningFacts(R, 4, False),
        offset(R, "specialist_referral_needed"),
        ScreeningFacts(R, 4, True),
    ),
    "escalated": (
        AlertFacts("urgent", "open", R, "first_appointment_missing"),
        offset(R, "escalated"),
        AlertFacts("urgent", "acknowledged", R, "first_appointment_missing"),
    ),
}
RULES = (
    rules.RELEASE_RULES
    | rules.CUSTODY_RULES
    | rules.ATR_RULES
    | {
        "specialist_referral_needed": rules.specialist_referral_needed,
        "stage_overdue": rules.stage_overdue,
        "escalated": rules.escalated,
    }
)


def test_every_rule_the_sweep_runs_but_the_hourly_one_has_a_case_and_a_config():
    assert set(CASES) == set(RULES)
    assert set(RULES) | {"appointment_outcome_missing"} <= set(CONFIG)


@pytest.mark.parametrize("rule_id", CASES)
def test_a_rule_is_not_due_the_day_before_its_checkpoint(rule_id):
    facts, checkpoint, _ = CASES[rule_id]
    assert RULES[rule_id](facts, checkpoint - DAY, CONFIG[rule_id]) is None


@pytest.mark.parametrize("rule_id", CASES)
def test_a_rule_is_due_on_its_checkpoint(rule_id):
    facts, checkpoint, _ = CASES[rule_id]
    finding = RULES[rule_id](facts, checkpoint, CONFIG[rule_id])
    assert finding is not None and finding.checkpoint_on == checkpoint
    assert finding.message


@pytest.mark.parametrize("rule_id", CASES)
def test_a_rule_stays_due_for_the_same_checkpoint_after_it(rule_id):
    facts, checkpoint, _ = CASES[rule_id]
    finding = RULES[rule_id](facts, checkpoint + DAY, CONFIG[rule_id])
    assert finding is not None and finding.checkpoint_on == checkpoint


@pytest.mark.parametrize("rule_id", [r for r, case in CASES.items() if case[2] is not None])
def test_a_rule_is_not_due_once_its_cause_is_gone(rule_id):
    _, checkpoint, cleared = CASES[rule_id]
    for today in (checkpoint, checkpoint + DAY, checkpoint + 30 * DAY):
        assert RULES[rule_id](cleared, today, CONFIG[rule_id]) is None


def test_release_checkpoints_fall_where_design_puts_them():
    days = {
        rule_id: (CASES[rule_id][1] - R).days
        for rule_id in (
            "pre_release_planning",
            "treatment_referral_missing",
            "first_appointment_missing",
            "accommodation_missing",
            "released",
            "not_engaged_7",
            "not_engaged_14",
            "continuity_outcome",
        )
    }
    assert days == {
        "pre_release_planning": -84,
        "treatment_referral_missing": -28,
        "first_appointment_missing": -7,
        "accommodation_missing": -7,
        "released": 0,
        "not_engaged_7": 7,
        "not_engaged_14": 14,
        "continuity_outcome": 21,
    }
    # R is a Wednesday: the first working day after it is Thursday, missed once Friday comes.
    assert CASES["probation_first_appointment_missed"][1] == R + 2 * DAY


def test_a_withdrawal_risk_is_an_audit_of_20_without_a_recorded_need():
    config = CONFIG["custody_reception_withdrawal_risk"]
    assert rules.custody_reception_withdrawal_risk(stage(highest_audit_score=20), START, config) is not None
    assert rules.custody_reception_withdrawal_risk(stage(highest_audit_score=19), START, config) is None


def test_a_person_without_an_alcohol_need_needs_no_treatment_referral():
    config = CONFIG["treatment_referral_missing"]
    assert rules.treatment_referral_missing(release(alcohol_need=False), R, config) is None


@pytest.mark.parametrize("zone", [1, 2, 3, None])
def test_only_audit_zone_iv_needs_a_specialist_referral(zone):
    facts = ScreeningFacts(R, zone, False)
    assert rules.specialist_referral_needed(facts, R, CONFIG["specialist_referral_needed"]) is None


@pytest.mark.parametrize("severity", ["info", "warning"])
def test_only_urgent_alerts_escalate(severity):
    facts = AlertFacts(severity, "open", R, "released")
    assert rules.escalated(facts, R + 10 * DAY, CONFIG["escalated"]) is None


def test_continuity_is_engaged_only_for_a_start_from_r_to_r_plus_21():
    assert rules.engaged_within_21_days(released(treatment_started_on=(R,)))
    assert rules.engaged_within_21_days(released(treatment_started_on=(R + 21 * DAY,)))
    assert not rules.engaged_within_21_days(released(treatment_started_on=(R - DAY, R + 22 * DAY)))
    fixed = rules.continuity_outcome(
        released(treatment_started_on=(R + 22 * DAY,)), R + 30 * DAY, CONFIG["continuity_outcome"]
    )
    assert "did not engage" in fixed.message


def test_not_engaged_resolves_once_treatment_starts_late():
    config, late = CONFIG["not_engaged_7"], released(treatment_started_on=(R + 10 * DAY,))
    assert rules.not_engaged_7(late, R + 8 * DAY, config) is not None
    assert rules.not_engaged_7(late, R + 10 * DAY, config) is None


def test_atr_treatment_not_started_resolves_once_treatment_starts_late():
    facts = stage(kind="atr", treatment_started_on=(START + 20 * DAY,))
    config = CONFIG["atr_treatment_not_started"]
    assert rules.atr_treatment_not_started(facts, START + 19 * DAY, config) is not None
    assert rules.atr_treatment_not_started(facts, START + 20 * DAY, config) is None


def test_gaps_found_before_release_stay_open_after_it():
    """Release does not book an appointment or find a bed: those alerts stay until someone does."""
    for rule_id in ("treatment_referral_missing", "first_appointment_missing", "accommodation_missing"):
        assert RULES[rule_id](released(), R + DAY, CONFIG[rule_id]) is not None, rule_id
    assert rules.pre_release_planning(released(), R + DAY, CONFIG["pre_release_planning"]) is None


# --- appointment_outcome_missing: hours, not days ------------------------------------------------


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


# --- working days across bank holidays -----------------------------------------------------------


@pytest.mark.parametrize(
    ("release_on", "missed_on"),
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
def test_the_first_probation_appointment_counts_working_days_across_holidays(release_on, missed_on):
    config = CONFIG["probation_first_appointment_missed"]
    facts = released(release_on=release_on)
    assert rules.probation_first_appointment_missed(facts, missed_on - DAY, config) is None
    assert rules.probation_first_appointment_missed(facts, missed_on, config).checkpoint_on == missed_on


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
    config = CONFIG["atr_treatment_not_started"]
    facts = stage(kind="atr", start_on=start_on)
    assert rules.atr_treatment_not_started(facts, due_on - DAY, config) is None
    assert rules.atr_treatment_not_started(facts, due_on, config).checkpoint_on == due_on


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
    config = CONFIG["escalated"]
    facts = AlertFacts("urgent", "open", raised_on, "first_appointment_missing")
    assert rules.escalated(facts, escalated_on - DAY, config) is None
    assert rules.escalated(facts, escalated_on, config).checkpoint_on == escalated_on
