"""A caseload's rows: current stage, next key date, open alerts, handover red/amber/green.

Seven queries whatever the caseload's size: people, their pathways, stages and release dates
(selectinload), then next appointments, alert counts and release handovers, each batched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tracker.alerts.models import Alert
from tracker.auth.models import Staff
from tracker.clock import local_today
from tracker.extensions import db
from tracker.pathway import queries
from tracker.pathway.handovers import summary_fields
from tracker.pathway.models import Appointment, Handover, Pathway, Person, Stage
from tracker.pathway.summary import pathway_summary
from tracker.web.labels import APPOINTMENT_KINDS, KEY_DATES

# The key dates worth counting down to (the plain release dates are summed up in the ERD).
UPCOMING = (
    "planned_release_on",
    "hdced",
    "community_responsibility_on",
    "order_end_on",
    "atr_end_on",
    "supervision_end_on",
    "led",
    "sed",
)
SORTS = ("next_date", "name")


@dataclass
class CaseloadRow:
    """One person as the caseload lists them."""

    person: Person
    next_on: date | None = None
    next_what: str = ""
    open_alerts: int = 0
    rag: str | None = None
    handover_id: int | None = None


def people_query(staff: Staff, mine_only: bool, stage: str | None, q: str | None, today: date) -> Select:
    """The people this staff member may see on `today`, narrowed by caseload, current stage and search."""
    return queries.people_query(staff, stage, q, mine_only, today=today)


def caseload_rows(query: Select, today: date, now: datetime, sort: str) -> list[CaseloadRow]:
    """Every person the query selects, with what the caseload shows of them, sorted."""
    people = db.session.scalars(
        query.options(
            selectinload(Person.pathways).selectinload(Pathway.stages).selectinload(Stage.release_dates)
        )
    ).all()
    rows = {p.id: CaseloadRow(person=p) for p in people}
    for row in rows.values():
        _next_key_date(row, today)
    _next_appointments(rows, now)
    _open_alerts(rows)
    _handovers(rows, today)
    ordered = sorted(
        rows.values(), key=lambda r: (r.person.family_name.lower(), r.person.given_name.lower(), r.person.id)
    )
    if sort == "next_date":
        ordered.sort(key=lambda r: (r.next_on is None, r.next_on or today))
    return ordered


def _next_key_date(row: CaseloadRow, today: date) -> None:
    pathway = row.person.open_pathway
    if pathway is None:
        return
    key_dates = pathway_summary(row.person, pathway)["key_dates"]
    upcoming = [(date.fromisoformat(key_dates[k]), KEY_DATES[k]) for k in UPCOMING if k in key_dates]
    upcoming = [(on, what) for on, what in upcoming if on >= today]
    if upcoming:
        row.next_on, row.next_what = min(upcoming, key=lambda pair: pair[0])


def _next_appointments(rows: dict[int, CaseloadRow], now: datetime) -> None:
    soonest = (
        select(Appointment.person_id, Appointment.kind, Appointment.starts_at)
        .where(
            Appointment.person_id.in_(list(rows)), Appointment.starts_at >= now, Appointment.outcome.is_(None)
        )
        .order_by(Appointment.starts_at)
    )
    seen: set[int] = set()
    for person_id, kind, starts_at in db.session.execute(soonest):
        if person_id in seen:
            continue
        seen.add(person_id)
        row, on = rows[person_id], local_today(starts_at)
        if row.next_on is None or on < row.next_on:
            row.next_on, row.next_what = on, APPOINTMENT_KINDS.get(kind, kind)


def _open_alerts(rows: dict[int, CaseloadRow]) -> None:
    counts = db.session.execute(
        select(Alert.person_id, func.count())
        .where(Alert.person_id.in_(list(rows)), Alert.status != "resolved")
        .group_by(Alert.person_id)
    )
    for person_id, count in counts:
        rows[person_id].open_alerts = count


def _handovers(rows: dict[int, CaseloadRow], today: date) -> None:
    handovers = db.session.scalars(
        select(Handover)
        .where(Handover.person_id.in_(list(rows)), Handover.kind == "release", Handover.status == "open")
        .options(selectinload(Handover.items))
        .order_by(Handover.id)
    )
    for handover in handovers:
        row = rows[handover.person_id]
        # Only the open pathway's handovers speak for the person now; a past pathway's are history.
        pathway = row.person.open_pathway
        if pathway is None or handover.stage_id not in {s.id for s in pathway.stages}:
            continue
        row.rag, row.handover_id = summary_fields(handover, today)["rag"], handover.id
