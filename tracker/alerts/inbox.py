"""Whose alerts are whose: the caller's own and their team's, most urgent first (the API and the pages)."""

from __future__ import annotations

from datetime import date

from flask_smorest import abort
from sqlalchemy import ColumnElement, and_, case, or_, select

from tracker.alerts.models import Alert
from tracker.auth.models import Staff
from tracker.pathway.models import Person
from tracker.pathway.scope import people_visible_to


def alerts_for(staff: Staff, today: date) -> ColumnElement[bool]:
    """A WHERE clause on Alert: addressed to the caller or to the caller's team."""
    if staff.role in ("commissioner", "admin"):
        abort(403, message="Your role sees aggregate reports only, never a person's alerts.")
    addressed = or_(Alert.staff_id == staff.id, Alert.team_id == staff.team_id)
    # Scope follows the person: an alert about someone the caller can no longer see is not theirs.
    seen = or_(
        Alert.person_id.is_(None),
        Alert.person_id.in_(select(Person.id).where(people_visible_to(staff, today))),
    )
    return and_(addressed, seen)


URGENCY = case({"urgent": 0, "warning": 1, "info": 2}, value=Alert.severity)
