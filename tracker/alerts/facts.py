"""Load, in a fixed number of queries, the facts the rules read for a batch of subjects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.alerts import rules
from tracker.auth.models import Staff
from tracker.clock import zone
from tracker.extensions import db
from tracker.pathway.models import Appointment, Handover, Person, Referral, Screening, Stage

COMMUNITY_KINDS = ("probation", "treatment_assessment", "treatment_session")
TREATMENT_KINDS = ("treatment_assessment", "treatment_session")


@dataclass
class Subject:
    """One thing the rules are evaluated on, with the facts they read and who hears of it."""

    subject_type: str
    subject_id: int
    person_id: int | None
    facts: Any
    rules: dict[str, rules.RuleFunction]
    teams: dict[str, int | None] = field(default_factory=dict)
    offender_manager_id: int | None = None
    # Why nothing about this subject can be due any more (a cancelled or recalled handover).
    ended: str | None = None


@dataclass
class PersonHistory:
    """What the release and ATR rules need from a person's referrals and appointments."""

    referrals_made_on: list[date] = field(default_factory=list)
    referral_team_id: int | None = None
    treatment_started_on: list[date] = field(default_factory=list)
    community_appointments_on: list[date] = field(default_factory=list)
    probation_attended_on: list[date] = field(default_factory=list)


def _local(instant) -> date:
    return instant.astimezone(zone()).date()


def histories(person_ids: Iterable[int]) -> dict[int, PersonHistory]:
    """Referrals and appointments of these people, in two queries."""
    ids = set(person_ids)
    result: dict[int, PersonHistory] = defaultdict(PersonHistory)
    if not ids:
        return result
    for r in db.session.scalars(
        select(Referral).where(Referral.person_id.in_(ids)).order_by(Referral.made_at)
    ):
        h = result[r.person_id]
        h.referrals_made_on.append(_local(r.made_at))
        h.referral_team_id = r.to_team_id
        if r.treatment_started_on:
            h.treatment_started_on.append(r.treatment_started_on)
    for a in db.session.scalars(select(Appointment).where(Appointment.person_id.in_(ids))):
        h, day = result[a.person_id], _local(a.starts_at)
        if a.kind in COMMUNITY_KINDS and a.outcome != "cancelled":
            h.community_appointments_on.append(day)
        if a.outcome == "attended" and a.kind == "probation":
            h.probation_attended_on.append(day)
        if a.outcome == "attended" and a.kind in TREATMENT_KINDS:
            h.treatment_started_on.append(day)
    return result


def highest_audit_scores(person_ids: Iterable[int]) -> dict[int, int]:
    """Each person's highest AUDIT score, in one query."""
    ids = set(person_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Screening.person_id, func.max(Screening.score))
        .where(Screening.person_id.in_(ids), Screening.tool == "audit")
        .group_by(Screening.person_id)
    )
    return dict(rows.all())


def _manager_teams(people: Iterable[Person]) -> dict[int, int]:
    ids = {p.offender_manager_id for p in people if p.offender_manager_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Staff.id, Staff.team_id).where(Staff.id.in_(ids))).all())


def release_subjects(handover_ids: Iterable[int]) -> list[Subject]:
    """Release handovers with their facts, in a fixed number of queries."""
    handovers = db.session.scalars(
        select(Handover)
        .where(Handover.id.in_(set(handover_ids)))
        .options(
            joinedload(Handover.person),
            joinedload(Handover.stage).selectinload(Stage.release_dates),
            selectinload(Handover.items),
        )
    ).all()
    people = [h.person for h in handovers]
    history = histories(p.id for p in people)
    manager_teams = _manager_teams(people)
    subjects = []
    for h in handovers:
        if h.due_on is None:
            continue
        past = history[h.person_id]
        facts = rules.ReleaseFacts(
            release_on=h.due_on,
            released=h.stage.end_on is not None,
            release_dates=h.stage.release_date_map(),
            alcohol_need=h.person.alcohol_need,
            referral_made_on=past.referrals_made_on[0] if past.referrals_made_on else None,
            community_appointments_on=tuple(past.community_appointments_on),
            probation_attended_on=tuple(past.probation_attended_on),
            treatment_started_on=tuple(past.treatment_started_on),
            accommodation=h.statuses().get("accommodation", "not_started"),
        )
        probation = manager_teams.get(h.person.offender_manager_id)
        ended = None if h.status == "open" else f"the handover was {h.status}"
        subjects.append(
            Subject(
                "handovers",
                h.id,
                h.person_id,
                facts,
                {} if ended else rules.RELEASE_RULES,
                teams={
                    "establishment": h.team_id,
                    "probation": probation,
                    "treatment": past.referral_team_id or probation,
                    "owning_team": h.team_id,
                },
                offender_manager_id=h.person.offender_manager_id,
                ended=ended,
            )
        )
    return subjects


def stage_subjects(stage_ids: Iterable[int]) -> list[Subject]:
    """Open stages with their facts: custody, ATR and overdue rules."""
    stages = db.session.scalars(
        select(Stage).where(Stage.id.in_(set(stage_ids))).options(joinedload(Stage.pathway))
    ).all()
    people = {
        p.id: p
        for p in db.session.scalars(select(Person).where(Person.id.in_({s.person_id for s in stages})))
    }
    history = histories(people)
    audits = highest_audit_scores(people)
    manager_teams = _manager_teams(people.values())
    subjects = []
    for s in stages:
        person = people[s.person_id]
        facts = rules.StageFacts(
            kind=s.kind,
            start_on=s.start_on,
            open=s.end_on is None,
            expected_end_on=s.expected_end_on,
            community_responsibility_on=s.community_responsibility_on,
            atr_end_on=s.atr_end_on,
            alcohol_need=person.alcohol_need,
            highest_audit_score=audits.get(person.id),
            treatment_started_on=tuple(history[person.id].treatment_started_on),
        )
        chosen = {"custody": rules.CUSTODY_RULES, "atr": rules.ATR_RULES}.get(s.kind, {})
        chosen = chosen | ({} if s.kind == "closed" else {"stage_overdue": rules.stage_overdue})
        probation = manager_teams.get(person.offender_manager_id)
        subjects.append(
            Subject(
                "stages",
                s.id,
                s.person_id,
                facts,
                chosen,
                teams={
                    "establishment": s.establishment_team_id,
                    "probation": probation,
                    "treatment": s.treatment_team_id or probation,
                    "owning_team": s.team_id or probation,
                },
                offender_manager_id=person.offender_manager_id,
            )
        )
    return subjects


def screening_subjects(screening_ids: Iterable[int]) -> list[Subject]:
    """AUDIT screenings with whether a referral was made since."""
    screenings = db.session.scalars(select(Screening).where(Screening.id.in_(set(screening_ids)))).all()
    people = {
        p.id: p
        for p in db.session.scalars(select(Person).where(Person.id.in_({s.person_id for s in screenings})))
    }
    history = histories(people)
    manager_teams = _manager_teams(people.values())
    subjects = []
    for s in screenings:
        person, screened_on = people[s.person_id], _local(s.screened_at)
        referred = any(day >= screened_on for day in history[s.person_id].referrals_made_on)
        probation = manager_teams.get(person.offender_manager_id)
        subjects.append(
            Subject(
                "screenings",
                s.id,
                s.person_id,
                rules.ScreeningFacts(screened_on, s.zone, referred),
                {"specialist_referral_needed": rules.specialist_referral_needed},
                teams={"owning_team": probation, "probation": probation},
                offender_manager_id=person.offender_manager_id,
            )
        )
    return subjects


def appointment_subjects(appointment_ids: Iterable[int]) -> list[Subject]:
    """Appointments with their outcome."""
    rows = db.session.execute(
        select(Appointment, Person.offender_manager_id)
        .join(Person, Person.id == Appointment.person_id)
        .where(Appointment.id.in_(set(appointment_ids)))
    ).all()
    return [
        Subject(
            "appointments",
            a.id,
            a.person_id,
            rules.AppointmentFacts(a.starts_at.astimezone(zone()), a.outcome),
            {"appointment_outcome_missing": rules.appointment_outcome_missing},
            teams={"owning_team": a.team_id},
            offender_manager_id=manager_id,
        )
        for a, manager_id in rows
    ]


def alert_subjects(alerts: Iterable[Any]) -> list[Subject]:
    """Urgent alerts that may need escalating."""
    return [
        Subject(
            "alerts",
            a.id,
            a.person_id,
            rules.AlertFacts(a.severity, a.status, _local(a.raised_at), a.rule),
            {"escalated": rules.escalated},
            teams={"owning_team": a.team_id},
        )
        for a in alerts
    ]
