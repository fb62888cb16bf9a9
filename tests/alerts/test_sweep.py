"""The sweep on a real database: each checkpoint raised once, on its day, to its team; moved and resolved.

Records made through the API are stamped with the real clock, and the sweep re-checks the people
whose records changed since its last run. So each test makes its records first, sweeps once at the
real instant (which sees them as changed), and then walks forward with `flask alerts sweep --at`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.helpers import at_hour
from tracker.alerts.config import alert_config
from tracker.alerts.models import Alert
from tracker.pathway.dates import add_working_days, friday_release, is_working_day
from tracker.pathway.models import Handover, Person
from tracker.types import utcnow

DAY = timedelta(days=1)
# Ten AUDIT answers scoring 20: zone IV, and a withdrawal risk at reception.
AUDIT_20 = [4, 4, 4, 4, 0, 0, 0, 0, 2, 2]
ESTABLISHMENT_RULES = {
    "pre_release_planning",
    "treatment_referral_missing",
    "first_appointment_missing",
    "accommodation_missing",
    "non_working_day_release",
    "friday_release",
    "release_date_unconfirmed",
}


def start_treatment(api, person: dict, team, on: date) -> None:
    """Refer the person to a treatment service and mark the treatment started on that day."""
    referral = api.post(f"/people/{person['id']}/referrals", {"to_team_id": team.id, "reason": "Treatment"})
    started = api.patch(
        f"/referrals/{referral.json['id']}", {"status": "started", "treatment_started_on": str(on)}
    )
    assert started.status_code == 200, started.json


def release_handover(db, person_id: int) -> Handover:
    return db.session.scalar(
        select(Handover)
        .where(Handover.person_id == person_id, Handover.kind == "release")
        .execution_options(populate_existing=True)
    )


# --- the "done when" -----------------------------------------------------------------------


def test_a_release_90_days_ahead_raises_each_checkpoint_once_on_its_day_to_its_team(
    world, in_custody, api_as, sweep, alerts, db, today
):
    release_on = today + 90 * DAY
    person, _ = in_custody(release_on)
    api = api_as(world.om)
    config = alert_config()["rules"]
    # The flags depend on the day P falls on: today + 90 may be a weekend, or a Friday.
    flags = [] if is_working_day(release_on) else ["non_working_day_release"]
    flags += ["friday_release"] if friday_release({"crd": release_on}, alcohol_need=True) else []
    checkpoints = {
        release_on - 84 * DAY: ["pre_release_planning", *flags],
        release_on - 28 * DAY: ["treatment_referral_missing"],
        release_on - 7 * DAY: [
            "first_appointment_missing",
            "accommodation_missing",
            "release_date_unconfirmed",
        ],
        release_on: ["released"],
        add_working_days(release_on, 1) + DAY: ["probation_first_appointment_missed"],
        release_on + 7 * DAY: ["not_engaged_7"],
        release_on + 14 * DAY: ["not_engaged_14"],
        release_on + 21 * DAY: ["continuity_outcome"],
    }
    days = sorted({d for checkpoint in checkpoints for d in (checkpoint - DAY, checkpoint)})
    expected = {day: list(checkpoints.get(day, ())) for day in days}
    # Nobody works these alerts, so each urgent one escalates 2 working days later, at the next sweep.
    for checkpoint, rules in checkpoints.items():
        for rule in rules:
            escalates_on = add_working_days(checkpoint, 2)
            if config[rule]["severity"] == "urgent" and escalates_on <= days[-1]:
                expected[next(d for d in days if d >= escalates_on)].append("escalated")

    raised_on: dict[str, date] = {}
    for day in days:
        if day == release_on:  # released on R, recorded before that day's sweep
            licence = {
                "kind": "licence",
                "start_on": str(release_on),
                "supervision_end_on": str(release_on + 365 * DAY),
            }
            assert api.post(f"/people/{person['id']}/stages", licence).status_code == 201
        before = {a.id for a in alerts()}
        sweep(day)
        new = [a for a in alerts() if a.id not in before]
        assert sorted(a.rule for a in new) == sorted(expected[day]), day
        raised_on |= {a.rule: day for a in new if a.rule != "escalated"}
        # A referral after its checkpoint: the alerts after release go to the service referred to.
        if day == release_on - 28 * DAY:
            referral = {"to_team_id": world.service.id, "reason": "Alcohol treatment on release"}
            assert api.post(f"/people/{person['id']}/referrals", referral).status_code == 201

    every = [a for a in alerts() if a.rule != "escalated"]
    assert len(every) == len({a.rule for a in every}) == sum(len(rules) for rules in checkpoints.values())
    assert {a.rule: a.checkpoint_on for a in every} == raised_on
    team_of = dict.fromkeys(ESTABLISHMENT_RULES, world.prison) | dict.fromkeys(
        ("not_engaged_7", "not_engaged_14"), world.service
    )
    for alert in every:
        team = team_of.get(alert.rule, world.om.team)  # the probation team: the offender manager's
        assert (alert.team_id, alert.staff_id, alert.person_id) == (team.id, world.om.id, person["id"])
        assert alert.severity == config[alert.rule]["severity"]
    by_id = {a.id: a for a in every}
    for escalated in alerts(rule="escalated"):
        assert escalated.team_id == by_id[escalated.subject_id].team_id and escalated.staff_id is None
    handover = release_handover(db, person["id"])
    assert handover.engaged is False and handover.engaged_fixed_on == release_on + 21 * DAY
    # The referral made after P-28 closed that gap, and release ended planning; nothing else went away.
    assert {a.rule for a in every if a.status == "resolved"} == {
        "treatment_referral_missing",
        "pre_release_planning",
        "release_date_unconfirmed",
        *flags,
    }
    assert handover.status == "done" and handover.released_on == release_on


def test_two_sweeps_at_the_same_instant_leave_the_same_rows_as_one(world, in_custody, sweep, alerts, today):
    in_custody(today + 8 * DAY)
    in_custody(today + 30 * DAY)

    def snapshot():
        return [
            (a.rule, a.subject_id, a.checkpoint_on, a.team_id, a.staff_id, a.status, a.raised_at)
            for a in alerts()
        ]

    first = sweep(today + DAY)
    once = snapshot()
    second = sweep(today + DAY)
    assert once and snapshot() == once
    assert first.startswith(f"raised {len(once)},") and second.startswith("raised 0,")


def test_a_sweep_a_week_after_the_last_raises_each_missed_alert_once(
    world, in_custody, sweep_now, sweep, alerts, today
):
    soon, later = in_custody(today + 14 * DAY)[0], in_custody(today + 34 * DAY)[0]
    sweep_now()
    before = {a.id for a in alerts()}

    assert sweep(today + 8 * DAY).startswith("raised 4,")

    missed = sorted((a.person_id, a.rule, a.checkpoint_on) for a in alerts() if a.id not in before)
    assert missed == sorted(
        [
            (soon["id"], "first_appointment_missing", today + 7 * DAY),
            (soon["id"], "accommodation_missing", today + 7 * DAY),
            (soon["id"], "release_date_unconfirmed", today + 7 * DAY),
            (later["id"], "treatment_referral_missing", today + 6 * DAY),
        ]
    )
    assert sweep(today + 8 * DAY).startswith("raised 0,")
    assert sweep(today + 9 * DAY).startswith("raised 0,")


def test_a_sweep_after_downtime_across_release_raises_each_post_release_alert_once(
    world, in_custody, api_as, sweep, alerts, today
):
    release_on = today + 10 * DAY
    person, _ = in_custody(release_on)
    licence = {
        "kind": "licence",
        "start_on": str(release_on),
        "supervision_end_on": str(release_on + 365 * DAY),
    }
    sweep(release_on - DAY)
    assert api_as(world.om).post(f"/people/{person['id']}/stages", licence).status_code == 201
    before = {a.id for a in alerts()}

    sweep(release_on + 8 * DAY)
    sweep(release_on + 8 * DAY)

    # The two urgent R-7 alerts raised the day before release, never acknowledged, escalate too.
    assert sorted(a.rule for a in alerts() if a.id not in before) == [
        "escalated",
        "escalated",
        "not_engaged_7",
        "probation_first_appointment_missed",
        "released",
    ]
    assert {a.subject_id for a in alerts(rule="escalated")} == {
        a.id for a in alerts() if a.rule in ("first_appointment_missing", "accommodation_missing")
    }


# --- changed dates ----------------------------------------------------------------------------------


def test_a_release_moved_later_moves_its_pending_alerts(
    world, in_custody, api_as, sweep_now, sweep, alerts, today
):
    person, stage = in_custody(today + 7 * DAY)
    sweep_now()
    [old] = alerts(rule="first_appointment_missing")
    assert old.checkpoint_on == today

    moved = api_as(world.om).patch(
        f"/stages/{stage['id']}", {"release_dates": {"crd": str(today + 21 * DAY)}}
    )
    assert moved.status_code == 200, moved.json
    sweep(today + DAY)

    [old] = alerts(rule="first_appointment_missing")
    assert old.status == "resolved" and old.resolution.startswith("Moved")
    assert str(today + 14 * DAY) in old.resolution
    sweep(today + 13 * DAY)
    assert len(alerts(rule="first_appointment_missing")) == 1
    sweep(today + 14 * DAY)
    _, new = alerts(rule="first_appointment_missing")
    assert (new.checkpoint_on, new.status, new.team_id) == (today + 14 * DAY, "open", world.prison.id)


def test_a_cancelled_appointment_cancels_its_alert(
    world, make_person, api_as, book, sweep_now, sweep, alerts, today
):
    person = make_person(world.om)
    api = api_as(world.om)
    now = datetime.now(UTC)

    past, coming = book(person, now - timedelta(hours=30)), book(person, now + timedelta(hours=2))
    sweep_now()
    [alert] = alerts(rule="appointment_outcome_missing")
    assert (alert.subject_id, alert.staff_id, alert.status) == (past, world.om.id, "open")

    assert api.patch(f"/appointments/{past}", {"outcome": "cancelled"}).status_code == 200
    assert api.patch(f"/appointments/{coming}", {"outcome": "cancelled"}).status_code == 200
    sweep(today + 3 * DAY)

    [alert] = alerts(rule="appointment_outcome_missing")
    assert alert.subject_id == past and alert.status == "resolved"
    assert "Resolved by itself" in alert.resolution


def test_an_appointment_outcome_is_missing_24_hours_after_it_and_recording_it_resolves_that(
    world, make_person, api_as, book, sweep_now, sweep, alerts
):
    person = make_person(world.om)
    api = api_as(world.om)
    now = datetime.now(UTC)

    yesterday, just_now = book(person, now - timedelta(hours=25)), book(person, now - timedelta(hours=1))
    sweep_now()
    [alert] = alerts(rule="appointment_outcome_missing")
    assert (alert.subject_id, alert.status) == (yesterday, "open")

    assert api.patch(f"/appointments/{yesterday}", {"outcome": "attended"}).status_code == 200
    sweep(now + timedelta(hours=22, minutes=59))  # 23:59 after the second one started
    assert [(a.subject_id, a.status) for a in alerts(rule="appointment_outcome_missing")] == [
        (yesterday, "resolved")
    ]
    sweep(now + timedelta(hours=23))

    assert [(a.subject_id, a.status) for a in alerts(rule="appointment_outcome_missing")] == [
        (yesterday, "resolved"),
        (just_now, "open"),
    ]


def test_an_alert_whose_cause_goes_away_resolves_itself_saying_so(
    world, in_custody, api_as, sweep_now, sweep, alerts, today
):
    release_on = today + 7 * DAY
    person, _ = in_custody(release_on)
    sweep_now()
    [gap] = alerts(rule="first_appointment_missing")
    assert gap.status == "open" and gap.severity == "urgent"

    appointment = {"kind": "treatment_assessment", "starts_at": f"{release_on + 3 * DAY}T10:00:00+01:00"}
    assert api_as(world.om).post(f"/people/{person['id']}/appointments", appointment).status_code == 201
    assert "resolved 1" in sweep(today + DAY)

    [gap] = alerts(rule="first_appointment_missing")
    assert gap.status == "resolved" and gap.resolved_at is not None
    assert gap.resolution == "Resolved by itself: the cause went away."
    assert alerts(rule="accommodation_missing")[0].status == "open"


# --- custody, ATR, screening ------------------------------------------------------------------------


def test_custody_reception_with_an_alcohol_need_or_audit_20_is_an_urgent_alert_to_the_establishment(
    world, in_custody, make_person, api_as, sweep, alerts, today
):
    needy, _ = in_custody(None, start_on=today)
    api = api_as(world.om)
    scored = make_person(world.om, alcohol_need=False)
    screened = api.post(
        f"/people/{scored['id']}/screenings",
        {"tool": "audit", "answers": AUDIT_20, "intervention": "referred"},
    )
    assert screened.status_code == 201
    custody = {
        "kind": "custody",
        "start_on": str(today),
        "basis": "remand",
        "establishment_team_id": world.other_prison.id,
    }
    assert api.post(f"/people/{scored['id']}/stages", custody).status_code == 201
    in_custody(None, start_on=today, alcohol_need=False)  # no need, never screened: no alert

    sweep(today + DAY)

    found = alerts(rule="custody_reception_withdrawal_risk")
    assert sorted((a.person_id, a.team_id, a.staff_id, a.severity, a.subject_type) for a in found) == [
        (needy["id"], world.prison.id, world.om.id, "urgent", "stages"),
        (scored["id"], world.other_prison.id, world.om.id, "urgent", "stages"),
    ]
    assert found[0].message == "Alcohol withdrawal risk: reception screening needed."


@pytest.fixture
def on_atr(world, make_person, api_as, today):
    """on_atr(atr_end_on, start_on=today): a person on an ATR, after a court stage."""

    def make(atr_end_on: date, start_on: date = today):
        person = make_person(world.om)
        api = api_as(world.om)
        court = {"kind": "court", "start_on": str(today - 20 * DAY), "court": "Bristol Crown"}
        assert api.post(f"/people/{person['id']}/stages", court).status_code == 201
        atr = api.post(
            f"/people/{person['id']}/stages",
            {
                "kind": "atr",
                "start_on": str(start_on),
                "order_type": "community_order",
                "order_end_on": str(today + 365 * DAY),
                "atr_end_on": str(atr_end_on),
                "treatment_team_id": world.service.id,
                "dependency_assessed": True,
                "consent_recorded": True,
            },
        )
        assert atr.status_code == 201, atr.json
        return person

    return make


@pytest.mark.parametrize("days_ago", [0, 1, 2, 3, 4, 5, 6], ids=lambda n: f"ordered {n} days ago")
def test_atr_treatment_not_started_10_working_days_after_the_order(
    world, on_atr, api_as, sweep_now, sweep, alerts, today, days_ago
):
    ordered_on = today - days_ago * DAY  # each weekday, Saturday and Sunday among them
    waiting = on_atr(today + 180 * DAY, ordered_on)
    started = on_atr(today + 180 * DAY, ordered_on)
    start_treatment(api_as(world.om), started, world.service, today)
    due = add_working_days(ordered_on, 10)
    sweep_now()

    sweep(due - DAY)
    assert alerts(rule="atr_treatment_not_started") == []
    sweep(due)

    [alert] = alerts(rule="atr_treatment_not_started")
    assert (alert.person_id, alert.checkpoint_on, alert.team_id, alert.staff_id, alert.severity) == (
        waiting["id"],
        due,
        world.service.id,
        world.om.id,
        "urgent",
    )


def test_atr_exit_planning_28_days_before_the_atr_ends(world, on_atr, sweep_now, sweep, alerts, today):
    atr_end_on = today + 60 * DAY
    person = on_atr(atr_end_on)
    sweep_now()

    sweep(atr_end_on - 29 * DAY)
    assert alerts(rule="atr_exit_planning") == []
    sweep(atr_end_on - 28 * DAY)

    [alert] = alerts(rule="atr_exit_planning")
    assert (alert.person_id, alert.checkpoint_on, alert.team_id, alert.severity) == (
        person["id"],
        atr_end_on - 28 * DAY,
        world.service.id,
        "info",
    )


def test_audit_zone_iv_without_a_referral_needs_one_and_making_it_resolves_the_alert(
    world, make_person, api_as, sweep_now, sweep, alerts, today
):
    person = make_person(world.om)
    api = api_as(world.om)
    screened = api.post(
        f"/people/{person['id']}/screenings",
        {"tool": "audit", "answers": AUDIT_20, "intervention": "referred"},
    )
    assert screened.json["zone"] == 4
    sweep_now()
    [alert] = alerts(rule="specialist_referral_needed")
    assert (alert.status, alert.team_id, alert.staff_id, alert.checkpoint_on) == (
        "open",
        world.om.team_id,
        world.om.id,
        today,
    )

    referral = {"to_team_id": world.service.id, "reason": "AUDIT 20"}
    assert api.post(f"/people/{person['id']}/referrals", referral).status_code == 201
    sweep(today + DAY)

    [alert] = alerts(rule="specialist_referral_needed")
    assert alert.status == "resolved"


def test_a_stage_overdue_resolves_once_its_transition_is_recorded(
    world, in_custody, api_as, sweep_now, sweep, alerts, today
):
    person, stage = in_custody(today - 2 * DAY, start_on=today - 100 * DAY)
    sweep_now()
    [overdue] = alerts(rule="stage_overdue")
    assert (overdue.subject_id, overdue.checkpoint_on, overdue.team_id) == (
        stage["id"],
        today - DAY,
        world.prison.id,
    )

    licence = {
        "kind": "licence",
        "start_on": str(today - 2 * DAY),
        "supervision_end_on": str(today + 365 * DAY),
    }
    assert api_as(world.om).post(f"/people/{person['id']}/stages", licence).status_code == 201
    sweep(today + DAY)

    [overdue] = alerts(rule="stage_overdue")
    assert overdue.status == "resolved"


# --- escalation and continuity ----------------------------------------------------------------------


def test_an_urgent_alert_unacknowledged_for_2_working_days_escalates(
    world, in_custody, api_as, sweep_now, sweep, alerts, today
):
    ignored, _ = in_custody(None, start_on=today)
    seen, _ = in_custody(None, start_on=today)
    sweep_now()
    urgent = {a.person_id: a for a in alerts(rule="custody_reception_withdrawal_risk")}
    assert api_as(world.om).post(f"/alerts/{urgent[seen['id']].id}/acknowledge").status_code == 200
    due = add_working_days(today, 2)

    sweep(due - DAY)
    assert alerts(rule="escalated") == []
    sweep(due)
    sweep(due + DAY)

    [escalated] = alerts(rule="escalated")
    assert (escalated.subject_type, escalated.subject_id, escalated.person_id) == (
        "alerts",
        urgent[ignored["id"]].id,
        ignored["id"],
    )
    assert (escalated.checkpoint_on, escalated.team_id, escalated.severity) == (
        due,
        world.prison.id,
        "urgent",
    )


def test_an_urgent_alert_raised_late_in_the_day_still_escalates_on_its_day(
    world, in_custody, sweep, alerts, today
):
    in_custody(None, start_on=today)
    # A day whose second working day is two calendar days on, so that "2 days" and "2 working days" agree.
    raised_on = next(d for d in (today + n * DAY for n in range(8)) if add_working_days(d, 2) == d + 2 * DAY)
    sweep(at_hour(raised_on, 22))  # late evening
    due = add_working_days(raised_on, 2)

    sweep(at_hour(due, 8))  # earlier in the day than the raise
    sweep(at_hour(due, 23))
    sweep(due + DAY)

    [escalated] = alerts(rule="escalated")
    assert escalated.checkpoint_on == due


def test_continuity_is_fixed_at_r_plus_21_engaged_when_treatment_started_in_time(
    world, in_custody, api_as, sweep_now, sweep, db, today
):
    release_on = today - 5 * DAY
    api = api_as(world.om)
    people = []
    for _ in range(2):
        person, _ = in_custody(release_on, start_on=today - 100 * DAY)
        licence = {
            "kind": "licence",
            "start_on": str(release_on),
            "supervision_end_on": str(release_on + 365 * DAY),
        }
        assert api.post(f"/people/{person['id']}/stages", licence).status_code == 201
        people.append(person)
    engaged, not_engaged = people
    start_treatment(api, engaged, world.service, today)
    sweep_now()

    sweep(release_on + 20 * DAY)
    assert [release_handover(db, p["id"]).engaged for p in people] == [None, None]
    sweep(release_on + 21 * DAY)

    fixed = [release_handover(db, p["id"]) for p in (engaged, not_engaged)]
    assert [(h.engaged, h.engaged_fixed_on) for h in fixed] == [
        (True, release_on + 21 * DAY),
        (False, release_on + 21 * DAY),
    ]


# --- cost -------------------------------------------------------------------------------------------


def test_a_sweep_with_nothing_due_costs_the_same_for_5_people_as_for_200(
    world, db, sweep, sweep_now, count_queries, today
):
    from tracker.pathway import service

    def add_people(n: int) -> None:
        for i in range(n):
            person = service.create_person(
                {"given_name": "Alex", "family_name": f"Person {i}", "alcohol_need": True},
                by=world.om,
                now=utcnow(),
            )
            service.add_stage(
                person,
                {
                    "kind": "custody",
                    "start_on": today - 200 * DAY,
                    "basis": "sentenced",
                    "establishment_team_id": world.prison.id,
                    "release_dates": {"crd": today + 200 * DAY, "source": "NOMIS"},
                },
                by=world.om,
                now=utcnow(),
            )
        db.session.commit()

    add_people(5)
    sweep_now()
    with count_queries() as for_5:
        assert sweep(today + DAY).startswith("raised 0, moved 0, resolved 0")
    add_people(195)
    sweep_now()  # the new people are changed: evaluated once, by this sweep (the queue of changed people)
    assert db.session.scalar(select(func.count(Person.id))) == 200
    with count_queries() as for_200:
        assert sweep(today + 2 * DAY).startswith("raised 0, moved 0, resolved 0")

    assert len(for_200) == len(for_5) < 20


def test_a_custody_stage_that_goes_back_to_court_settles_its_release_alerts(
    world, in_custody, api_as, sweep_now, alerts, db, today
):
    person, _ = in_custody(today + 5 * DAY)
    sweep_now()
    assert alerts(rule="accommodation_missing", status="open")

    response = api_as(world.om).post(
        f"/people/{person['id']}/stages", {"kind": "court", "start_on": str(today), "court": "Bristol Crown"}
    )
    assert response.status_code == 201, response.json
    sweep_now()

    assert release_handover(db, person["id"]).status == "cancelled"
    [settled] = alerts(rule="accommodation_missing")
    assert settled.status == "resolved" and "cancelled" in settled.resolution


def test_a_recall_ends_the_last_release_so_its_community_checkpoints_stop(
    world, in_custody, api_as, sweep_now, sweep, alerts, db, today
):
    person, _ = in_custody(today - 3 * DAY, start_on=today - 100 * DAY)
    api = api_as(world.om)
    path = f"/people/{person['id']}/stages"
    assert api.post(path, {"kind": "licence", "start_on": str(today - 3 * DAY)}).status_code == 201
    recalled = api.post(
        path,
        {
            "kind": "custody",
            "start_on": str(today),
            "basis": "sentenced",
            "establishment_team_id": world.prison.id,
        },
    )
    assert recalled.status_code == 201, recalled.json
    sweep_now()

    handover = release_handover(db, person["id"])
    assert (handover.status, handover.engaged_fixed_on) == ("returned_to_custody", today)
    sweep(today + 10 * DAY)
    assert not alerts(rule="not_engaged_7")


def test_a_planned_release_prefers_crd_to_parole_eligibility_and_is_overdue_only_after_it(
    world, api_as, make_person, today
):
    person = make_person(world.om)
    stage = api_as(world.om).post(
        f"/people/{person['id']}/stages",
        {
            "kind": "custody",
            "start_on": str(today - 400 * DAY),
            "basis": "sentenced",
            "establishment_team_id": world.prison.id,
            "release_dates": {"ped": str(today - 30 * DAY), "crd": str(today + 200 * DAY)},
        },
    )

    # P: the automatic release comes before parole eligibility, which is no release date at all.
    assert stage.json["release_on"] == str(today + 200 * DAY)
    assert stage.json["expected_end_on"] == str(today + 200 * DAY)  # nobody is overdue before CRD


def test_a_sweep_in_chunks_raises_what_one_pass_raises(
    world, in_custody, sweep_now, alerts, db, monkeypatch, today
):
    from sqlalchemy import delete

    from tracker.alerts import sweep as sweep_module
    from tracker.alerts.models import ChangedPerson, SweepMark

    for days in (3, 5, 20, 40):
        in_custody(today + days * DAY)
    monkeypatch.setattr(sweep_module, "CHUNK", 1)
    sweep_now()
    in_chunks = sorted((a.rule, a.subject_type, a.subject_id, a.checkpoint_on) for a in alerts())

    db.session.execute(delete(Alert))
    db.session.execute(delete(SweepMark))
    # The first sweep took the queue of changed people: queue them again, as their records were written.
    db.session.add_all(ChangedPerson(person_id=p) for p in db.session.scalars(select(Person.id)))
    db.session.commit()
    monkeypatch.setattr(sweep_module, "CHUNK", 2000)
    sweep_now()

    assert in_chunks and in_chunks == sorted(
        (a.rule, a.subject_type, a.subject_id, a.checkpoint_on) for a in alerts()
    )


def test_an_alert_never_goes_only_to_a_team_that_cannot_see_the_person(
    world, make_person, make_team, api_as, sweep_now, alerts, today
):
    court_team = make_team("Bristol Magistrates", "court")
    person = make_person(world.om)
    court = {
        "kind": "court",
        "start_on": str(today),
        "court": "Bristol Magistrates",
        "team_id": court_team.id,
    }
    assert api_as(world.om).post(f"/people/{person['id']}/stages", court).status_code == 201

    sweep_now()

    # Nobody in a court team can open the record: the stage's alert goes to the offender manager's team.
    [due] = alerts(rule="screening_due")
    assert (due.team_id, due.staff_id) == (world.om.team_id, world.om.id)


def test_an_offset_moved_in_the_config_file_moves_the_alert_to_the_new_day(
    world, in_custody, alerts, tmp_path, today
):
    from tracker.alerts.config import ALERTS_TOML
    from tracker.alerts.sweep import sweep as run_sweep

    moved = ALERTS_TOML.read_text().replace(
        '[rules.pre_release_planning]\nanchor = "planned_release"\noffset_days = -84',
        '[rules.pre_release_planning]\nanchor = "planned_release"\noffset_days = -60',
    )
    assert moved != ALERTS_TOML.read_text()
    (tmp_path / "alerts.toml").write_text(moved)
    config = alert_config(tmp_path / "alerts.toml")
    release_on = today + 70 * DAY  # P-84 has passed; P-60 is 10 days away
    in_custody(release_on)

    run_sweep(datetime.now(UTC), config)
    assert not alerts(rule="pre_release_planning")
    run_sweep(at_hour(today + 9 * DAY, 12), config)
    assert not alerts(rule="pre_release_planning")
    run_sweep(at_hour(today + 10 * DAY, 12), config)

    [raised] = alerts(rule="pre_release_planning")
    assert raised.checkpoint_on == release_on - 60 * DAY == today + 10 * DAY
    assert "(60 days)" in raised.message
