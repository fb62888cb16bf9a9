"""Issue 8 on a real database: release is a fact, not a forecast, and the alerts a practitioner would trust.

Each test makes its records through the API and walks the sweep forward with `flask alerts sweep --at`.
Records are stamped with the real clock, so a record made in the middle of a walk into the future is
seen by a sweep at the real instant (`sweep_now`), as the next sweep after it would see it in service.
P is the planned release date, A the actual (recorded) one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from tests.alerts.test_sweep import AUDIT_20, DAY, release_handover
from tracker.pathway.dates import add_working_days, friday_release, is_working_day
from tracker.pathway.enforcement import months_before
from tracker.pathway.models import Screening

LONDON = ZoneInfo("Europe/London")
# What says the person is out: never raised on a planned date alone.
AFTER_RELEASE = {
    "released",
    "probation_first_appointment_missed",
    "not_engaged_7",
    "not_engaged_14",
    "continuity_outcome",
}


def days(first: date, last: date) -> list[date]:
    """Every day from first to last, inclusive."""
    return [first + n * DAY for n in range((last - first).days + 1)]


def plain_release_day(on_or_after: date) -> date:
    """The first working day from `on_or_after` that raises neither the weekend nor the Friday flag."""
    day = on_or_after
    while not is_working_day(day) or friday_release({"confirmed": day}, alcohol_need=True):
        day += DAY
    return day


def local_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), LONDON)


@pytest.fixture
def api(world, api_as):
    """The offender manager's API client."""
    return api_as(world.om)


@pytest.fixture
def held(world, api, make_person, today):
    """held(release_dates, start_on=None, **person_fields): a person held at the prison, and the stage."""

    def make(release_dates: dict[str, date], start_on: date | None = None, **fields):
        person = make_person(world.om, **fields)
        stage = {
            "kind": "custody",
            "start_on": str(start_on or today - 200 * DAY),
            "basis": "sentenced",
            "establishment_team_id": world.prison.id,
            "release_dates": {kind: str(on) for kind, on in release_dates.items()} | {"source": "NOMIS"},
        }
        response = api.post(f"/people/{person['id']}/stages", stage)
        assert response.status_code == 201, response.json
        return person, response.json

    return make


@pytest.fixture
def walk(sweep, alerts):
    """walk(days, before=None): sweep each day in turn; {day: sorted rules first raised that day}.

    Escalations are left out (tests/alerts/test_sweep.py tests them). `before(day)` runs before the
    day's sweep, to record what happened that day.
    """

    def run(each_day: Iterable[date], before: Callable[[date], None] | None = None) -> dict[date, list[str]]:
        raised: dict[date, list[str]] = {}
        for day in each_day:
            seen = {a.id for a in alerts()}
            if before:
                before(day)
            sweep(day)
            new = sorted(a.rule for a in alerts() if a.id not in seen and a.rule != "escalated")
            if new:
                raised[day] = new
        return raised

    return run


@pytest.fixture
def refer(api, api_as, make_staff, today):
    """refer(person, team, kind=None, *then): a referral by the offender manager, moved on by its team."""

    def make(person: dict, team, kind: str | None = None, *then: str) -> dict:
        body = {"to_team_id": team.id, "reason": "Alcohol treatment"} | ({"kind": kind} if kind else {})
        made = api.post(f"/people/{person['id']}/referrals", body)
        assert made.status_code == 201, made.json
        # A treatment service moves its own referrals on; the offender manager any other team's.
        mover = api_as(make_staff("treatment", team=team)) if team.kind == "treatment" else api
        for status in then:
            change = (
                {"status": status}
                | ({"treatment_started_on": str(today)} if status == "started" else {})
                | ({"decline_reason": "no_capacity"} if status == "declined" else {})
            )
            moved = mover.patch(f"/referrals/{made.json['id']}", change)
            assert moved.status_code == 200, moved.json
        return made.json

    return make


@pytest.fixture
def screen(api):
    """screen(person, tool, answers, intervention): a screening recorded now; returns it."""

    def make(person: dict, tool: str, answers: list[int], intervention: str) -> dict:
        body = {"tool": tool, "answers": answers, "intervention": intervention}
        response = api.post(f"/people/{person['id']}/screenings", body)
        assert response.status_code == 201, response.json
        return response.json

    return make


def release_by_licence(api, person: dict, on: date) -> None:
    licence = {"kind": "licence", "start_on": str(on), "supervision_end_on": str(on + 365 * DAY)}
    response = api.post(f"/people/{person['id']}/stages", licence)
    assert response.status_code == 201, response.json


# --- P: a parole eligibility date is no release ----------------------------------------------------


def test_a_parole_eligibility_date_alone_only_opens_planning_until_the_board_directs_release(
    world, api, held, sweep_now, walk, alerts, db, today
):
    ped = today - 30 * DAY
    person, stage = held({"ped": ped}, start_on=today - 400 * DAY)
    assert (stage["release_on"], stage["expected_end_on"]) == (str(ped), None)
    sweep_now()

    raised = walk(days(ped - 90 * DAY, ped + 30 * DAY))

    assert raised == {ped - 84 * DAY: ["pre_release_planning"]}
    [planning] = alerts()  # nothing else at all, escalations included
    assert planning.message == (
        f"Parole eligibility on {ped} (release only on the Parole Board's direction): "
        "pre-release planning opens (12 weeks)."
    )
    assert (planning.status, planning.team_id, planning.staff_id) == ("open", world.prison.id, world.om.id)
    handover = release_handover(db, person["id"])
    assert (handover.status, handover.released_on, handover.engaged_fixed_on) == ("open", None, None)

    # The Board directs release: P becomes the confirmed date and its checkpoints follow, late ones at once.
    confirmed_on = plain_release_day(today + 20 * DAY)
    assert confirmed_on - 28 * DAY <= today < confirmed_on - 7 * DAY
    moved = api.patch(f"/stages/{stage['id']}", {"release_dates": {"confirmed": str(confirmed_on)}})
    assert moved.status_code == 200, moved.json
    before = {a.id for a in alerts()}
    sweep_now()

    late = {(a.rule, a.checkpoint_on): a for a in alerts() if a.id not in before}
    assert set(late) == {
        ("pre_release_planning", confirmed_on - 84 * DAY),
        ("treatment_referral_missing", confirmed_on - 28 * DAY),
    }
    assert late["pre_release_planning", confirmed_on - 84 * DAY].message.startswith(
        f"Planned release on {confirmed_on}:"
    )
    [old] = alerts(id=planning.id)
    assert (old.status, old.resolution) == ("resolved", f"Moved: now due on {confirmed_on - 84 * DAY}.")

    assert walk(days(today + DAY, confirmed_on - 7 * DAY)) == {
        confirmed_on - 7 * DAY: ["accommodation_missing", "first_appointment_missing"]
    }
    for alert in alerts(status="open"):
        assert (alert.team_id, alert.staff_id) == (world.prison.id, world.om.id)
    assert not alerts(rule="release_date_unconfirmed")


@pytest.mark.parametrize("days_ahead", [5, 28, 40], ids=lambda n: f"confirmed for {n} days ahead")
def test_a_confirmed_date_after_parole_eligibility_raises_the_checkpoints_it_has_passed_at_once(
    world, api, held, sweep_now, walk, alerts, today, days_ahead
):
    person, stage = held({"ped": today - 10 * DAY}, start_on=today - 400 * DAY)
    sweep_now()
    confirmed_on = plain_release_day(today + days_ahead * DAY)
    moved = api.patch(f"/stages/{stage['id']}", {"release_dates": {"confirmed": str(confirmed_on)}})
    assert moved.status_code == 200, moved.json
    checkpoints = {
        confirmed_on - 84 * DAY: ["pre_release_planning"],
        confirmed_on - 28 * DAY: ["treatment_referral_missing"],
        confirmed_on - 7 * DAY: ["accommodation_missing", "first_appointment_missing"],
    }

    sweep_now()
    raised = walk(days(today + DAY, confirmed_on - DAY))

    late = sorted((a.checkpoint_on, a.rule) for a in alerts() if a.checkpoint_on <= today)
    assert late == sorted((on, rule) for on, rules in checkpoints.items() if on <= today for rule in rules)
    assert raised == {on: rules for on, rules in checkpoints.items() if on > today}
    assert not alerts(rule="release_date_unconfirmed")


# --- A: only a recorded release says someone is out -------------------------------------------------


def test_a_confirmed_date_passing_with_custody_open_is_a_release_not_recorded_never_a_release(
    world, held, sweep_now, walk, alerts, db, today
):
    release_on = today + 3 * DAY
    person, stage = held({"crd": release_on, "confirmed": release_on})
    sweep_now()

    raised = walk(days(today + DAY, release_on + 22 * DAY))

    assert raised == {release_on + DAY: ["stage_overdue"]}
    [overdue] = alerts(rule="stage_overdue")
    assert (
        overdue.message
        == f"Release not recorded: the release date {release_on} has passed with custody open."
    )
    assert (overdue.subject_type, overdue.subject_id, overdue.checkpoint_on, overdue.status) == (
        "stages",
        stage["id"],
        release_on + DAY,
        "open",
    )
    assert (overdue.team_id, overdue.staff_id) == (world.prison.id, world.om.id)
    assert not {a.rule for a in alerts()} & AFTER_RELEASE
    handover = release_handover(db, person["id"])
    assert (handover.status, handover.released_on, handover.engaged_fixed_on) == ("open", None, None)


@pytest.mark.parametrize("days_after_plan", [-2, 3], ids=["released 2 days early", "released 3 days late"])
def test_a_recorded_release_keys_every_community_checkpoint_off_a_not_p(
    world, api, held, make_team, refer, sweep_now, walk, alerts, db, today, days_after_plan
):
    planned_on = today + 8 * DAY
    released_on = planned_on + days_after_plan * DAY
    person, _ = held({"crd": planned_on, "confirmed": planned_on})
    # Only the live structured referral to a treatment service is the treatment referral.
    refer(person, world.service, "structured_alcohol_treatment")
    refer(person, make_team("Avon Drug and Alcohol Service", "treatment"), None, "declined")
    refer(person, make_team("Bristol Housing Options", "other"), "housing")
    sweep_now()

    def record_the_release(day: date) -> None:
        if day == released_on:
            release_by_licence(api, person, released_on)
            sweep_now()  # the sweep after the record, which sees it
        if day == released_on + 21 * DAY:
            assert release_handover(db, person["id"]).status == "open"

    raised = walk(days(today + DAY, released_on + 22 * DAY), before=record_the_release)

    expected: dict[date, list[str]] = {}
    for on, rule in [
        (planned_on - 7 * DAY, "accommodation_missing"),
        (planned_on - 7 * DAY, "first_appointment_missing"),
        *([(planned_on + DAY, "stage_overdue")] if released_on > planned_on else []),
        (released_on, "released"),
        (add_working_days(released_on, 1) + DAY, "probation_first_appointment_missed"),
        (released_on + 7 * DAY, "not_engaged_7"),
        (released_on + 14 * DAY, "not_engaged_14"),
        (released_on + 21 * DAY, "continuity_outcome"),
    ]:
        expected.setdefault(on, []).append(rule)
    assert raised == {on: sorted(rules) for on, rules in expected.items()}

    probation = world.om.team_id
    for rule, team in [
        ("released", probation),
        ("probation_first_appointment_missed", probation),
        ("not_engaged_7", world.service.id),
        ("not_engaged_14", world.service.id),
        ("continuity_outcome", probation),
    ]:
        [alert] = alerts(rule=rule)
        assert (alert.team_id, alert.staff_id, alert.subject_type) == (team, world.om.id, "handovers"), rule
    # A late release settles the overdue custody stage once it is recorded.
    assert [(a.status, a.resolution) for a in alerts(rule="stage_overdue")] == (
        [("resolved", "Resolved by itself: the cause went away.")] if released_on > planned_on else []
    )
    handover = release_handover(db, person["id"])
    assert (handover.status, handover.released_on, handover.engaged, handover.engaged_fixed_on) == (
        "done",
        released_on,
        False,
        released_on + 21 * DAY,
    )


# --- referral kinds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("team_kind", "kind", "then", "missing"),
    [
        ("other", "housing", (), True),
        ("treatment", "housing", (), True),
        ("treatment", "structured_drug_treatment", (), False),
        ("other", "structured_alcohol_treatment", (), True),
        ("treatment", "structured_alcohol_treatment", (), False),
        ("treatment", None, (), False),  # a treatment service's default kind
        ("treatment", "structured_alcohol_treatment", ("accepted",), False),
        ("treatment", "structured_alcohol_treatment", ("declined",), True),
        ("treatment", "structured_alcohol_treatment", ("accepted", "declined"), True),
    ],
    ids=[
        "housing team",
        "housing kind to a treatment team",
        "structured drug treatment",
        "structured alcohol treatment to a non-treatment team",
        "structured alcohol treatment",
        "default kind to a treatment team",
        "accepted",
        "declined",
        "accepted then declined",
    ],
)
def test_only_a_live_structured_referral_to_a_treatment_service_is_the_treatment_referral_at_p_minus_28(
    world, held, make_team, refer, sweep_now, sweep, alerts, today, team_kind, kind, then, missing
):
    planned_on = today + 30 * DAY
    person, _ = held({"crd": planned_on})
    refer(person, make_team("Somewhere", team_kind), kind, *then)
    sweep_now()

    sweep(planned_on - 29 * DAY)
    assert alerts(rule="treatment_referral_missing") == []
    sweep(planned_on - 28 * DAY)

    found = [(a.checkpoint_on, a.team_id, a.staff_id) for a in alerts(rule="treatment_referral_missing")]
    assert found == ([(planned_on - 28 * DAY, world.prison.id, world.om.id)] if missing else [])


def test_a_treatment_referral_declined_after_p_minus_28_raises_the_gap_at_once(
    world, held, refer, sweep_now, sweep, alerts, api_as, make_staff, today
):
    planned_on = today + 20 * DAY
    person, _ = held({"crd": planned_on})
    referral = refer(person, world.service)
    sweep_now()
    assert alerts(rule="treatment_referral_missing") == []

    worker = api_as(make_staff("treatment", team=world.service))
    assert (
        worker.patch(
            f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": "no_capacity"}
        ).status_code
        == 200
    )
    sweep(today + DAY)

    [gap] = alerts(rule="treatment_referral_missing")
    assert (gap.checkpoint_on, gap.status) == (planned_on - 28 * DAY, "open")


@pytest.mark.parametrize(
    ("team_kind", "kind", "then", "closes"),
    [
        ("other", "housing", (), False),
        ("treatment", "structured_drug_treatment", (), False),
        ("other", "structured_alcohol_treatment", (), False),
        ("treatment", "structured_alcohol_treatment", ("declined",), False),
        ("treatment", "structured_alcohol_treatment", (), True),
        ("treatment", None, ("accepted",), True),
    ],
    ids=[
        "housing",
        "structured drug treatment",
        "structured alcohol treatment to a non-treatment team",
        "declined",
        "structured alcohol treatment",
        "default kind, accepted",
    ],
)
def test_only_a_live_structured_alcohol_referral_to_a_treatment_service_closes_the_zone_iv_task(
    world,
    make_person,
    make_team,
    refer,
    screen,
    sweep_now,
    sweep,
    alerts,
    today,
    team_kind,
    kind,
    then,
    closes,
):
    person = make_person(world.om)
    assert screen(person, "audit", AUDIT_20, "referred")["zone"] == 4
    sweep_now()
    [task] = alerts(rule="specialist_referral_needed")
    assert task.status == "open"

    refer(person, make_team("Somewhere", team_kind), kind, *then)
    sweep(today + DAY)

    [task] = alerts(rule="specialist_referral_needed")
    assert task.status == ("resolved" if closes else "open")


def test_a_referral_declined_after_it_closed_the_zone_iv_task_opens_the_task_again(
    world, make_person, refer, screen, sweep_now, sweep, alerts, api_as, make_staff, today
):
    person = make_person(world.om)
    screen(person, "audit", AUDIT_20, "referred")
    sweep_now()
    referral = refer(person, world.service)
    sweep(today + DAY)
    assert alerts(rule="specialist_referral_needed")[0].status == "resolved"

    worker = api_as(make_staff("treatment", team=world.service))
    assert (
        worker.patch(
            f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": "no_capacity"}
        ).status_code
        == 200
    )
    sweep_now()

    [reopened] = alerts(rule="specialist_referral_needed")
    assert (reopened.status, reopened.resolution, reopened.resolved_at) == ("open", None, None)


def test_an_alert_resolved_by_a_person_is_not_reopened_when_its_cause_returns(
    world, make_person, refer, screen, sweep_now, sweep, alerts, api_as, make_staff, today
):
    person = make_person(world.om)
    screen(person, "audit", AUDIT_20, "referred")
    sweep_now()
    [alert] = alerts(rule="specialist_referral_needed")
    om = api_as(world.om)
    assert (
        om.post(f"/alerts/{alert.id}/resolve", {"note": "Referred by phone; form to follow."}).status_code
        == 200
    )
    referral = refer(person, world.service)
    worker = api_as(make_staff("treatment", team=world.service))
    assert (
        worker.patch(
            f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": "no_capacity"}
        ).status_code
        == 200
    )
    sweep_now()

    [kept] = alerts(rule="specialist_referral_needed")
    assert kept.status == "resolved" and kept.resolution == "Referred by phone; form to follow."


# --- screening ---------------------------------------------------------------------------------------


def stage_entering(kind: str, world, start_on: date) -> dict:
    """The fields of a first stage of `kind` starting on `start_on`."""
    fields = {
        "identified": {"referrer_team_id": world.service.id},
        "arrest": {"custody_suite": "Patchway", "arrest_referral": True},
        "court": {"court": "Bristol Crown"},
        "atr": {
            "order_type": "community_order",
            "order_end_on": str(start_on + 365 * DAY),
            "atr_end_on": str(start_on + 180 * DAY),
            "treatment_team_id": world.service.id,
            "dependency_assessed": True,
            "consent_recorded": True,
        },
        "custody": {"basis": "remand", "establishment_team_id": world.prison.id},
        "licence": {"supervision_end_on": str(start_on + 365 * DAY)},
    }[kind]
    return {"kind": kind, "start_on": str(start_on)} | fields


@pytest.fixture
def enter(world, api, make_person, screen, db):
    """enter(kind, start_on, screened_days_before=None): a person entering a first stage; returns them."""

    def make(kind: str, start_on: date, screened_days_before: int | None = None) -> dict:
        person = make_person(world.om)
        if screened_days_before is not None:
            screening = screen(person, "audit_c", [1, 1, 0], "simple_advice")
            db.session.execute(
                update(Screening)
                .where(Screening.id == screening["id"])
                .values(screened_at=local_noon(start_on - screened_days_before * DAY))
            )
            db.session.commit()
        response = api.post(f"/people/{person['id']}/stages", stage_entering(kind, world, start_on))
        assert response.status_code == 201, response.json
        return person

    return make


@pytest.mark.parametrize("kind", ["arrest", "court", "atr", "custody"])
def test_entering_a_stage_unscreened_for_90_days_asks_for_a_screening_until_one_is_done(
    world, enter, screen, sweep_now, sweep, alerts, today, kind
):
    start_on = today
    never = enter(kind, start_on)
    within = enter(kind, start_on, screened_days_before=90)
    outside = enter(kind, start_on, screened_days_before=91)

    sweep(start_on - DAY)
    assert alerts(rule="screening_due") == []
    sweep_now()

    owning_team = world.prison.id if kind == "custody" else world.om.team_id
    due = {a.person_id: a for a in alerts(rule="screening_due")}
    assert within["id"] not in due and set(due) == {never["id"], outside["id"]}
    for alert in due.values():
        assert (alert.subject_type, alert.checkpoint_on, alert.status) == ("stages", start_on, "open")
        assert (alert.team_id, alert.staff_id, alert.severity) == (owning_team, world.om.id, "warning")
        assert f"before this {kind} stage" in alert.message

    screen(outside, "audit_c", [0, 0, 0], "education")  # on the day the stage began
    sweep(today + DAY)

    assert {a.person_id: a.status for a in alerts(rule="screening_due")} == {
        never["id"]: "open",
        outside["id"]: "resolved",
    }


@pytest.mark.parametrize("kind", ["identified", "licence"])
def test_entering_identified_or_licence_asks_for_no_screening(
    world, enter, sweep_now, sweep, alerts, today, kind
):
    enter(kind, today - DAY)  # already started, so the first sweep checks it at once
    enter(kind, today + DAY)
    sweep_now()
    sweep(today + DAY)
    sweep(today + 2 * DAY)

    assert alerts(rule="screening_due") == []


def test_a_positive_audit_c_or_fast_asks_for_a_full_audit_until_one_is_recorded(
    world, make_person, screen, sweep_now, sweep, alerts, today
):
    people = {name: make_person(world.om) for name in ("audit_c 5", "audit_c 4", "fast +", "fast -")}
    assert screen(people["audit_c 5"], "audit_c", [4, 1, 0], "brief_intervention")["positive"] is True
    assert screen(people["audit_c 4"], "audit_c", [4, 0, 0], "simple_advice")["positive"] is False
    assert screen(people["fast +"], "fast", [3, 0, 0, 0], "brief_intervention")["positive"] is True
    assert screen(people["fast -"], "fast", [0, 0, 0, 0], "education")["positive"] is False
    sweep_now()

    asked = {a.person_id: a for a in alerts(rule="full_audit_needed")}
    assert set(asked) == {people["audit_c 5"]["id"], people["fast +"]["id"]}
    for alert in asked.values():
        assert (alert.subject_type, alert.checkpoint_on, alert.status, alert.severity) == (
            "screenings",
            today,
            "open",
            "warning",
        )
        assert (alert.team_id, alert.staff_id) == (world.om.team_id, world.om.id)

    screen(people["audit_c 5"], "audit", [0] * 10, "education")
    sweep(today + DAY)

    assert {a.person_id: a.status for a in alerts(rule="full_audit_needed")} == {
        people["audit_c 5"]["id"]: "resolved",
        people["fast +"]["id"]: "open",
    }


# --- custody reception ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_late", "raised"), [(0, True), (5, True), (6, False)])
def test_withdrawal_risk_is_raised_only_for_custody_recorded_within_5_days_of_reception(
    world, in_custody, sweep_now, sweep, alerts, today, days_late, raised
):
    # The stage is recorded now: its start_on says how late that is.
    person, stage = in_custody(None, start_on=today - days_late * DAY)
    sweep_now()
    sweep(today + DAY)

    found = [
        (a.subject_id, a.checkpoint_on, a.team_id, a.staff_id, a.severity)
        for a in alerts(rule="custody_reception_withdrawal_risk")
    ]
    expected = (stage["id"], today - days_late * DAY, world.prison.id, world.om.id, "urgent")
    assert found == ([expected] if raised else [])


# --- enforcement -----------------------------------------------------------------------------------------


@pytest.fixture
def supervised(world, api, make_person, today):
    """supervised(kind): a person whose current stage is a licence, an ATR or a court stage (long begun)."""

    def make(kind: str) -> dict:
        person = make_person(world.om)
        path = f"/people/{person['id']}/stages"
        begun = today - 500 * DAY
        first = (
            {"kind": "custody", "start_on": str(begun - 300 * DAY), "basis": "sentenced"}
            | {"establishment_team_id": world.prison.id}
            if kind == "licence"
            else {"kind": "court", "start_on": str(begun - 20 * DAY), "court": "Bristol Crown"}
        )
        assert api.post(path, first).status_code == 201
        if kind != "court":
            current = stage_entering(kind, world, begun) | (
                {"order_end_on": str(begun + 900 * DAY), "atr_end_on": str(begun + 800 * DAY)}
                if kind == "atr"
                else {"supervision_end_on": str(begun + 900 * DAY)}
            )
            response = api.post(path, current)
            assert response.status_code == 201, response.json
        return person

    return make


@pytest.fixture
def miss(world, api):
    """miss(person, day, absence, kind="probation"): an appointment that day, recorded as missed."""

    def make(
        person: dict, day: date, absence: str, kind: str = "probation", team_id: int | None = -1
    ) -> dict:
        team_id = world.om.team_id if team_id == -1 else team_id
        body = {"kind": kind, "starts_at": local_noon(day).isoformat(), "team_id": team_id}
        booked = api.post(f"/people/{person['id']}/appointments", body)
        assert booked.status_code == 201, booked.json
        missed = api.patch(f"/appointments/{booked.json['id']}", {"outcome": "missed", "absence": absence})
        assert missed.status_code == 200, missed.json
        return missed.json

    return make


@pytest.mark.parametrize(
    ("kind", "action"), [("licence", "consider recall"), ("atr", "consider breach action")]
)
def test_a_second_unacceptable_absence_within_12_months_of_the_warning_raises_one_breach_review(
    world, supervised, miss, sweep_now, sweep, alerts, today, kind, action
):
    person = supervised(kind)
    warned = miss(person, today - 60 * DAY, "unacceptable")
    assert warned["warned_on"] == str(today - 60 * DAY)
    again = miss(person, today - 10 * DAY, "unacceptable")
    assert again["warned_on"] is None
    sweep_now()
    sweep(today + DAY)

    [review] = alerts(rule="breach_review_due")
    assert (review.subject_type, review.subject_id, review.person_id, review.checkpoint_on) == (
        "appointments",
        again["id"],
        person["id"],
        today - 10 * DAY,
    )
    assert (review.severity, review.status, review.team_id, review.staff_id) == (
        "urgent",
        "open",
        world.om.team_id,
        world.om.id,
    )
    assert f"({action})" in review.message and str(today - 60 * DAY) in review.message


def test_a_breach_review_for_an_appointment_booked_with_no_team_goes_to_the_offender_managers_team(
    world, supervised, miss, sweep_now, alerts, today
):
    person = supervised("licence")
    miss(person, today - 60 * DAY, "unacceptable", team_id=None)
    miss(person, today - 10 * DAY, "unacceptable", team_id=None)
    sweep_now()

    [review] = alerts(rule="breach_review_due")
    assert (review.team_id, review.staff_id) == (world.om.team_id, world.om.id)


@pytest.mark.parametrize(
    ("warned_months_and_days_before", "raised"),
    [((12, 0), True), ((12, 1), False)],
    ids=["warned 12 months before", "warned 12 months and a day before"],
)
def test_a_warning_stays_in_force_for_12_months(
    supervised, miss, sweep_now, alerts, today, warned_months_and_days_before, raised
):
    months, extra_days = warned_months_and_days_before
    absent_on = today - 20 * DAY
    person = supervised("licence")
    miss(person, months_before(absent_on, months) - extra_days * DAY, "unacceptable")
    again = miss(person, absent_on, "unacceptable")
    sweep_now()

    assert [a.subject_id for a in alerts(rule="breach_review_due")] == ([again["id"]] if raised else [])
    # Outside 12 months the absence is a first one again: it records a new warning.
    assert again["warned_on"] == (None if raised else str(absent_on))


def test_a_missed_court_hearing_never_counts_towards_a_breach(
    world, supervised, miss, sweep_now, sweep, alerts, today
):
    on_licence = supervised("licence")
    miss(on_licence, today - 60 * DAY, "unacceptable")
    hearing = miss(on_licence, today - 10 * DAY, "unacceptable", kind="court_hearing")
    at_court = supervised("court")
    first = miss(at_court, today - 60 * DAY, "unacceptable", kind="court_hearing")
    second = miss(at_court, today - 10 * DAY, "unacceptable")  # booked at the court stage: no requirement
    sweep_now()
    sweep(today + DAY)

    assert (hearing["warned_on"], first["warned_on"], second["warned_on"]) == (None, None, None)
    assert alerts(rule="breach_review_due") == []


def test_an_acceptable_absence_never_counts_towards_a_breach(
    world, supervised, miss, sweep_now, sweep, alerts, today
):
    warned_then_excused = supervised("licence")
    miss(warned_then_excused, today - 60 * DAY, "unacceptable")
    excused = miss(warned_then_excused, today - 10 * DAY, "acceptable")
    excused_then_absent = supervised("atr")
    first = miss(excused_then_absent, today - 60 * DAY, "acceptable")
    then = miss(excused_then_absent, today - 10 * DAY, "unacceptable")
    sweep_now()
    sweep(today + DAY)

    assert (excused["warned_on"], first["warned_on"], then["warned_on"]) == (
        None,
        None,
        str(today - 10 * DAY),
    )
    assert alerts(rule="breach_review_due") == []


def test_a_pending_absence_judged_unacceptable_later_raises_the_breach_review_then(
    world, api, supervised, miss, sweep_now, sweep, alerts, today
):
    person = supervised("licence")
    miss(person, today - 60 * DAY, "unacceptable")
    pending = miss(person, today - 10 * DAY, "pending")
    sweep_now()
    assert alerts(rule="breach_review_due") == []

    judged = api.patch(f"/appointments/{pending['id']}", {"absence": "unacceptable"})
    assert judged.status_code == 200, judged.json
    sweep(today + DAY)

    [review] = alerts(rule="breach_review_due")
    assert (review.subject_id, review.status, review.staff_id) == (pending["id"], "open", world.om.id)
    assert "consider recall" in review.message
