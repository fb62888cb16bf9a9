"""Whose alerts are whose: the caller's own and their team's, most urgent first (the API and the pages)."""

from __future__ import annotations

from flask_smorest import abort
from sqlalchemy import ColumnElement, case, or_

from tracker.alerts.models import Alert
from tracker.auth.models import Staff


def alerts_for(staff: Staff) -> ColumnElement[bool]:
    """A WHERE clause on Alert: addressed to the caller or to the caller's team."""
    if staff.role in ("commissioner", "admin"):
        abort(403, message="Your role sees aggregate reports only, never a person's alerts.")
    return or_(Alert.staff_id == staff.id, Alert.team_id == staff.team_id)


URGENCY = case({"urgent": 0, "warning": 1, "info": 2}, value=Alert.severity)
