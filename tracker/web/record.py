"""Everything the person page shows, loaded in a fixed number of queries whatever the history's length."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.alerts.models import Alert
from tracker.auth.models import Staff, Team
from tracker.extensions import db
from tracker.pathway import sharing
from tracker.pathway.models import Appointment, Handover, Pathway, Person, Referral, Screening, Stage
from tracker.sms.models import Message


@dataclass
class PersonRecord:
    """A person and their history, ready to show."""

    person: Person
    appointments: list[Appointment]
    referrals: list[Referral]
    screenings: list[Screening]
    alerts: list[Alert]
    handovers: list[Handover]
    teams: dict[int, Team]
    messages: list[Message] = field(default_factory=list)
    staff_names: dict[int, str] = field(default_factory=dict)

    def team_name(self, team_id: int | None) -> str:
        """A team's name, or an empty string."""
        team = self.teams.get(team_id) if team_id else None
        return team.name if team else ""

    def stages(self) -> list[Stage]:
        """Every stage of every pathway, oldest first."""
        return [stage for pathway in self.person.pathways for stage in pathway.stages]


def load_record(person: Person, viewer: Staff) -> PersonRecord:
    """The person's pathways, appointments, referrals, screenings, alerts and handovers, as `viewer`
    may see them: without what a holding team kept (sharing.py)."""
    db.session.scalars(
        select(Person)
        .where(Person.id == person.id)
        .options(
            selectinload(Person.pathways).selectinload(Pathway.stages).selectinload(Stage.release_dates),
            selectinload(Person.consent_changes),
        )
        .execution_options(populate_existing=True)
    ).one()

    def rows(model: Any, *order: Any) -> list[Any]:
        return list(db.session.scalars(select(model).where(model.person_id == person.id).order_by(*order)))

    def shown(model: Any, *order: Any) -> list[Any]:
        query = select(model).where(model.person_id == person.id, sharing.shown_to(model, viewer))
        return list(db.session.scalars(query.order_by(*order)))

    record = PersonRecord(
        person=person,
        appointments=rows(Appointment, Appointment.starts_at, Appointment.id),
        referrals=shown(Referral, Referral.made_at, Referral.id),
        screenings=shown(Screening, Screening.screened_at, Screening.id),
        alerts=rows(Alert, Alert.raised_at, Alert.id),
        handovers=list(
            db.session.scalars(
                select(Handover)
                .where(Handover.person_id == person.id)
                .options(selectinload(Handover.items))
                .order_by(Handover.id)
            )
        ),
        teams={team.id: team for team in db.session.scalars(select(Team))},
        messages=rows(Message, Message.due_at, Message.id),
    )
    return record


def name_staff(record: PersonRecord, ids: Iterable[int | None]) -> None:
    """Look up, in one query, the names of the staff who appear in the record."""
    wanted = {i for i in ids if i} | ({record.person.offender_manager_id} - {None})
    if wanted:
        rows = db.session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(wanted)))
        record.staff_names = {staff_id: name for staff_id, name in rows}
