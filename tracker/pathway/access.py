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


def record_or_404(staff: Staff, model: type[T], record_id: int, change: str | None = None) -> tuple[T, Person]:
    """A record that belongs to a person, with its person, through the caller's scope."""
    record = db.session.get(model, record_id)
    if record is None:
        _refuse_unseen(staff, model.__tablename__, record_id)
    return record, person_or_404(staff, record.person_id, change)


def _refuse_unseen(staff: Staff, subject_type: str, subject_id: int) -> None:
    # The attempt is logged whether the record is missing or out of scope; both answer the same.
    db.session.rollback()
    person_id = subject_id if subject_type == "people" else None
    audit.record(staff.id, "denied", subject_type=subject_type, subject_id=subject_id, person_id=person_id)
    db.session.commit()
    abort(404, description=NOT_FOUND)
