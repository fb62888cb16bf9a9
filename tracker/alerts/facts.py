"""Load, in a fixed number of queries, the facts the rules read for a batch of subjects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Date, cast, func, select

from tracker.alerts import rules
from tracker.auth.models import Staff
from tracker.clock import zone
from tracker.extensions import among, db
from tracker.pathway import dates, enforcement
from tracker.pathway.handovers import CLOSED_STATUSES
from tracker.pathway.history import histories, local_day
from tracker.pathway.models import Appointment, Handover, HandoverItem, Person, ReleaseDate, Screening, Stage


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


def screenings_by_person(person_ids: Iterable[int]) -> dict[int, list[tuple[date, str]]]:
    """Each person's screenings as (local day, tool), oldest first, in one query."""
    ids = set(person_ids)
    result: dict[int, list[tuple[date, str]]] = defaultdict(list)
    if ids:
        # The local day from the database on PostgreSQL, as in histories().
        in_sql = db.engine.dialect.name == "postgresql"
        local = cast(func.timezone(zone().key, Screening.screened_at), Date)
        screened = local if in_sql else Screening.screened_at
        for person_id, on, tool in db.session.execute(
            select(Screening.person_id, screened, Screening.tool)
            .where(among(Screening.person_id, ids))
            .order_by(Screening.screened_at)
        ):
            result[person_id].append((on if in_sql else local_day(on), tool))
    return result


def highest_audit_scores(person_ids: Iterable[int]) -> dict[int, int]:
    """Each person's highest AUDIT score, in one query."""
    ids = set(person_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Screening.person_id, func.max(Screening.score))
        .where(among(Screening.person_id, ids), Screening.tool == "audit")
        .group_by(Screening.person_id)
    )
    return dict(rows.tuples().all())


def _manager_teams(people: Iterable[Any]) -> dict[int, int]:
    ids = {p.offender_manager_id for p in people if p.offender_manager_id}
    if not ids:
        return {}
    return dict(
        db.session.execute(select(Staff.id, Staff.team_id).where(among(Staff.id, ids))).tuples().all()
    )


def _people(person_ids: Iterable[int]) -> dict[int, Any]:
    """What the rules read of each person (columns, not rows: a chunk has thousands)."""
    rows = db.session.execute(
        select(Person.id, Person.alcohol_need, Person.offender_manager_id).where(among(Person.id, person_ids))
    )
    return {row.id: row for row in rows}


def _release_date_maps(stage_ids: Iterable[int]) -> dict[int, dict[str, date]]:
    """Each stage's release dates by kind, as Stage.release_date_map() gives them."""
    maps: dict[int, dict[str, date]] = defaultdict(dict)
    for stage_id, kind, value_on in db.session.execute(
        select(ReleaseDate.stage_id, ReleaseDate.kind, ReleaseDate.value_on)
        .where(among(ReleaseDate.stage_id, stage_ids))
        .order_by(ReleaseDate.stage_id, ReleaseDate.kind)
    ):
        maps[stage_id][kind] = value_on
    return maps


def release_subjects(handover_ids: Iterable[int]) -> list[Subject]:
    """Release handovers with their facts, in a fixed number of queries."""
    handovers = db.session.execute(
        select(
            Handover.id,
            Handover.person_id,
            Handover.stage_id,
            Handover.team_id,
            Handover.released_on,
            Handover.status,
        ).where(among(Handover.id, handover_ids))
    ).all()
    # The people apart, by their ids: joined, PostgreSQL hashes the whole people table for a chunk.
    people = _people(h.person_id for h in handovers)
    ids = [h.id for h in handovers]
    accommodation = dict(
        db.session.execute(
            select(HandoverItem.handover_id, HandoverItem.status).where(
                among(HandoverItem.handover_id, ids), HandoverItem.item == "accommodation"
            )
        )
        .tuples()
        .all()
    )
    release_date_maps = _release_date_maps(h.stage_id for h in handovers)
    history = histories(people)
    manager_teams = _manager_teams(people.values())
    subjects = []
    for h in handovers:
        person, past = people[h.person_id], history[h.person_id]
        release_dates = release_date_maps[h.stage_id]
        planned = dates.planned_release(release_dates)
        facts = rules.ReleaseFacts(
            planned_on=planned.on if planned else None,
            planned_basis=planned.basis if planned else None,
            released_on=h.released_on,
            release_dates=release_dates,
            alcohol_need=person.alcohol_need,
            treatment_referral_on=past.treatment_referrals_on[0] if past.treatment_referrals_on else None,
            community_appointments_on=tuple(past.community_appointments_on),
            probation_attended_on=tuple(past.probation_attended_on),
            treatment_started_on=tuple(past.treatment_started_on),
            accommodation=accommodation.get(h.id, "not_started"),
        )
        probation = manager_teams.get(person.offender_manager_id)
        ended = f"the handover was {h.status.replace('_', ' ')}" if h.status in CLOSED_STATUSES else None
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
                    "treatment": past.treatment_referral_team_id or probation,
                    "owning_team": h.team_id,
                },
                offender_manager_id=person.offender_manager_id,
                ended=ended,
            )
        )
    return subjects


# The columns of a stage the rules and the recipients read (a chunk holds thousands of stages).
STAGE_FACTS = (
    Stage.id,
    Stage.person_id,
    Stage.kind,
    Stage.start_on,
    Stage.end_on,
    Stage.expected_end_on,
    Stage.community_responsibility_on,
    Stage.atr_end_on,
    Stage.created_at,
    Stage.team_id,
    Stage.establishment_team_id,
    Stage.treatment_team_id,
)


def stage_subjects(stage_ids: Iterable[int]) -> list[Subject]:
    """Open stages with their facts: custody, ATR and overdue rules."""
    stages = db.session.execute(select(*STAGE_FACTS).where(among(Stage.id, stage_ids))).all()
    people = _people(s.person_id for s in stages)
    # Only what some stage's rules read, for the people whose stages have them: a mass-release day
    # brings thousands of licence stages, which read none of it.
    history = histories(s.person_id for s in stages if s.kind in rules.READ_TREATMENT)
    audits = highest_audit_scores(s.person_id for s in stages if s.kind in rules.READ_AUDIT_SCORE)
    screened = screenings_by_person(s.person_id for s in stages if s.kind in rules.SCREENED_AT)
    manager_teams = _manager_teams(people.values())
    subjects = []
    for s in stages:
        person, past = people[s.person_id], history[s.person_id]
        facts = rules.StageFacts(
            kind=s.kind,
            start_on=s.start_on,
            open=s.end_on is None,
            expected_end_on=s.expected_end_on,
            community_responsibility_on=s.community_responsibility_on,
            atr_end_on=s.atr_end_on,
            alcohol_need=person.alcohol_need,
            highest_audit_score=audits.get(person.id),
            treatment_started_on=tuple(past.treatment_started_on + past.treatment_attended_on),
            recorded_on=local_day(s.created_at) if s.created_at else None,
            screened_on=tuple(day for day, _ in screened[person.id]),
        )
        chosen = _stage_rules(s.kind)
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
                    "owning_team": _seeing_team(s, probation),
                },
                offender_manager_id=person.offender_manager_id,
            )
        )
    return subjects


def _seeing_team(stage: Any, probation: int | None) -> int | None:
    """The stage's team if its staff can see the person (scope), else the offender manager's team.

    A court or police team has no user who can open the person's record: an alert sent only there
    would reach nobody.
    """
    seeing = {probation, stage.treatment_team_id}
    if stage.kind == "custody":
        seeing.add(stage.establishment_team_id)
    return stage.team_id if stage.team_id is not None and stage.team_id in seeing else probation


def _stage_rules(kind: str) -> dict[str, rules.RuleFunction]:
    chosen = dict({"custody": rules.CUSTODY_RULES, "atr": rules.ATR_RULES}.get(kind, {}))
    if kind in rules.SCREENED_AT:
        chosen["screening_due"] = rules.screening_due
    if kind != "closed":
        chosen["stage_overdue"] = rules.stage_overdue
    return chosen


def screening_subjects(screening_ids: Iterable[int]) -> list[Subject]:
    """Screenings that ask for more: zone IV a specialist referral; a positive AUDIT-C or FAST an AUDIT."""
    screenings = db.session.scalars(select(Screening).where(among(Screening.id, screening_ids))).all()
    people = _people(s.person_id for s in screenings)
    history = histories(people)
    screened = screenings_by_person(people)
    manager_teams = _manager_teams(people.values())
    subjects = []
    for s in screenings:
        person, screened_on = people[s.person_id], local_day(s.screened_at)
        referred = any(day >= screened_on for day in history[s.person_id].specialist_referrals_on)
        audited = any(day >= screened_on and tool == "audit" for day, tool in screened[s.person_id])
        probation = manager_teams.get(person.offender_manager_id)
        subjects.append(
            Subject(
                "screenings",
                s.id,
                s.person_id,
                rules.ScreeningFacts(screened_on, s.zone, referred, s.tool, s.positive, audited),
                rules.SCREENING_RULES,
                teams={"owning_team": probation, "probation": probation},
                offender_manager_id=person.offender_manager_id,
            )
        )
    return subjects


def appointment_subjects(appointment_ids: Iterable[int]) -> list[Subject]:
    """Appointments with their outcome and, for enforcement, their absence and the warnings before it."""
    rows = db.session.execute(
        select(
            Appointment.id,
            Appointment.person_id,
            Appointment.kind,
            Appointment.starts_at,
            Appointment.outcome,
            Appointment.absence,
            Appointment.team_id,
            Person.offender_manager_id,
            Stage.kind,
            Staff.team_id,
        )
        .join(Person, Person.id == Appointment.person_id)
        .outerjoin(Staff, Staff.id == Person.offender_manager_id)
        .outerjoin(Stage, Stage.id == Appointment.stage_id)
        .where(among(Appointment.id, appointment_ids))
    ).all()
    warnings: dict[int, list[tuple[int, date]]] = defaultdict(list)
    unacceptable = {row.person_id for row in rows if row.absence == "unacceptable"}
    if unacceptable:
        for appointment_id, person_id, warned_on in db.session.execute(
            select(Appointment.id, Appointment.person_id, Appointment.warned_on).where(
                among(Appointment.person_id, unacceptable), Appointment.warned_on.is_not(None)
            )
        ):
            warnings[person_id].append((appointment_id, warned_on))
    subjects = []
    for row in rows:
        a, (manager_id, stage_kind, probation) = row, row[-3:]
        local_start = a.starts_at.astimezone(zone())
        earlier = [on for other_id, on in warnings[a.person_id] if other_id != a.id]
        subjects.append(
            Subject(
                "appointments",
                a.id,
                a.person_id,
                rules.AppointmentFacts(
                    local_start,
                    a.outcome,
                    absence=a.absence,
                    counts_for_enforcement=enforcement.counts(a.kind, stage_kind),
                    warning_in_force_on=enforcement.warning_in_force(local_start.date(), earlier),
                    on_licence=stage_kind == "licence",
                ),
                rules.APPOINTMENT_RULES,
                # An appointment booked with no team belongs to the offender manager's team.
                teams={"owning_team": a.team_id or probation},
                offender_manager_id=manager_id,
            )
        )
    return subjects


def alert_subjects(alerts: Iterable[Any]) -> list[Subject]:
    """Urgent alerts that may need escalating."""
    return [
        Subject(
            "alerts",
            a.id,
            a.person_id,
            rules.AlertFacts(a.severity, a.status, local_day(a.raised_at), a.rule),
            {"escalated": rules.escalated},
            teams={"owning_team": a.team_id},
        )
        for a in alerts
    ]
