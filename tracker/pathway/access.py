"""Loading a person's records through the caller's scope: 404 outside it, 403 for a read-only view."""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn, Protocol, TypeVar

from flask import abort
from sqlalchemy import select

from tracker import privacy
from tracker.auth.models import Staff
from tracker.errors import Unseen
from tracker.extensions import db
from tracker.pathway import referrals
from tracker.pathway.models import Appointment, Person, Referral, Stage
from tracker.pathway.scope import may_change, people_visible_to


class PersonsRecord(Protocol):
    """A record that belongs to a person: Appointment, Referral, Screening, Handover, Stage."""

    __tablename__: Any

    @property
    def person_id(self) -> int: ...


T = TypeVar("T", bound=PersonsRecord)

NOT_FOUND = "No such record, or it is not in your caseload."


def person_or_404(staff: Staff, person_id: int, change: str | None = None, *, today: date) -> Person:
    """The person if the caller may see them on `today` (and make this change), else 404 (or 403)."""
    person = db.session.scalar(select(Person).where(Person.id == person_id, people_visible_to(staff, today)))
    if person is None:
        _refuse_unseen(staff, "people", person_id)
    if change and not may_change(staff, person, change):
        abort(403, description="You can read this person's record but not make this change.")
    return person


def record_or_404(
    staff: Staff, model: type[T], record_id: int, change: str | None = None, *, today: date
) -> tuple[T, Person]:
    """A record that belongs to a person, with its person, through the caller's scope."""
    record = db.session.get(model, record_id)
    if record is None:
        _refuse_unseen(staff, model.__tablename__, record_id)
    return record, person_or_404(staff, record.person_id, change, today=today)


def own_team_only(staff: Staff, team_id: int | None, what: str) -> None:
    """A treatment service changes only its own team's appointments and referrals: else 403."""
    if staff.role == "treatment" and team_id != staff.team_id:
        abort(403, description=f"A treatment service changes only its own team's {what}.")


def owning_team_or_manager(staff: Staff, appointment: Appointment, person: Person) -> None:
    """Only the person's offender manager or the appointment's own team changes it: else 403.

    An appointment booked with no team belongs to the team of whoever booked it.
    """
    if staff.role == "offender_manager" and person.offender_manager_id == staff.id:
        return
    owning_team_id = appointment.team_id or db.session.scalar(
        select(Staff.team_id).where(Staff.id == appointment.created_by_id)
    )
    if owning_team_id != staff.team_id:
        abort(403, description="Only the offender manager or the team that owns an appointment changes it.")


def holds(staff: Staff, establishment_team_id: int | None) -> bool:
    """Whether a resettlement team acts for this establishment (other roles are not limited here)."""
    return staff.role != "resettlement" or establishment_team_id == staff.team_id


def holding_establishment_only(staff: Staff, establishment_team_id: int | None, what: str) -> None:
    """A resettlement team changes only what belongs to its own establishment: else 403."""
    if not holds(staff, establishment_team_id):
        abort(403, description=f"Only the establishment that holds the person changes {what}.")


def clinical_access(staff: Staff, person: Person, today: date) -> bool:
    """Whether the caller sees the person's clinical detail today (privacy.sees_clinical_detail).

    Asks the database at most one question for an offender manager and two for a treatment team.
    """
    manages_or_team = live_referral = atr_in_force = False
    if staff.role == "offender_manager" and person.offender_manager_id is not None:
        manages_or_team = person.offender_manager_id == staff.id or staff.team_id == db.session.scalar(
            select(Staff.team_id).where(Staff.id == person.offender_manager_id)
        )
    elif staff.role == "treatment":
        statuses = db.session.scalars(
            select(Referral.status).where(
                Referral.person_id == person.id, Referral.to_team_id == staff.team_id
            )
        )
        live_referral = any(referrals.is_live(status) for status in statuses)
        orders = db.session.execute(
            select(Stage.start_on, Stage.order_end_on, Stage.operational_end_on, Stage.atr_end_on).where(
                Stage.person_id == person.id, Stage.kind == "atr", Stage.treatment_team_id == staff.team_id
            )
        )
        atr_in_force = any(
            privacy.order_in_force(start_on, privacy.order_end(*ends), today) for start_on, *ends in orders
        )
    return privacy.sees_clinical_detail(
        staff.role, manages_or_team=manages_or_team, live_referral=live_referral, atr_in_force=atr_in_force
    )


def clinical_read(clinical: bool) -> dict[str, Any]:
    """The audit detail of a read: marked clinical when it showed clinical detail, else nothing.

    "Who read this person's clinical detail?" is then the view entries with `clinical` set.
    """
    return {"clinical": True} if clinical else {}


def _refuse_unseen(staff: Staff, subject_type: str, subject_id: int) -> NoReturn:
    # The attempt is logged whether the record is missing or out of scope; both answer the same.
    person_id = subject_id if subject_type == "people" else None
    raise Unseen(NOT_FOUND, staff.id, subject_type, subject_id, person_id=person_id)
