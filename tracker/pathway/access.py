"""Loading a person's records through the caller's scope: 404 outside it, 403 for a read-only view."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from sqlalchemy import select

from tracker import audit
from tracker.auth.models import Staff
from tracker.auth.scope import may_change, people_visible_to
from tracker.extensions import db
from tracker.pathway.models import Person

T = TypeVar("T")

NOT_FOUND = "No such record, or it is not in your caseload."


def person_or_404(staff: Staff, person_id: int, change: str | None = None) -> Person:
    """The person if the caller may see them (and make this change), else 404 (or 403)."""
    person = db.session.scalar(select(Person).where(Person.id == person_id, people_visible_to(staff)))
    if person is None:
        _refuse_unseen(staff, "people", person_id)
    if change and not may_change(staff, person, change):
        abort(403, description="You can read this person's record but not make this change.")
    return person


def record_or_404(
    staff: Staff, model: type[T], record_id: int, change: str | None = None
) -> tuple[T, Person]:
    """A record that belongs to a person, with its person, through the caller's scope."""
    record = db.session.get(model, record_id)
    if record is None:
        _refuse_unseen(staff, model.__tablename__, record_id)
    return record, person_or_404(staff, record.person_id, change)


def own_team_only(staff: Staff, team_id: int | None, what: str) -> None:
    """A treatment service changes only its own team's appointments and referrals: else 403."""
    if staff.role == "treatment" and team_id != staff.team_id:
        abort(403, description=f"A treatment service changes only its own team's {what}.")


def holds(staff: Staff, establishment_team_id: int | None) -> bool:
    """Whether a resettlement team acts for this establishment (other roles are not limited here)."""
    return staff.role != "resettlement" or establishment_team_id == staff.team_id


def holding_establishment_only(staff: Staff, establishment_team_id: int | None, what: str) -> None:
    """A resettlement team changes only what belongs to its own establishment: else 403."""
    if not holds(staff, establishment_team_id):
        abort(403, description=f"Only the establishment that holds the person changes {what}.")


def _refuse_unseen(staff: Staff, subject_type: str, subject_id: int) -> None:
    # The attempt is logged whether the record is missing or out of scope; both answer the same.
    db.session.rollback()
    person_id = subject_id if subject_type == "people" else None
    audit.record(staff.id, "denied", subject_type=subject_type, subject_id=subject_id, person_id=person_id)
    db.session.commit()
    abort(404, description=NOT_FOUND)
