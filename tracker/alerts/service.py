"""Acknowledging and resolving an alert, for the API and the pages alike; they add and flush, never commit."""

from __future__ import annotations

from tracker import audit
from tracker.alerts.models import Alert
from tracker.auth.models import Staff
from tracker.errors import Conflict
from tracker.extensions import db
from tracker.types import utcnow


def acknowledge(alert: Alert, by: Staff) -> Alert:
    """Say you have seen an open alert and are acting on it."""
    if alert.status != "open":
        raise Conflict(f"This alert is {alert.status}; only an open alert can be acknowledged.")
    alert.status, alert.acknowledged_at, alert.acknowledged_by_id = "acknowledged", utcnow(), by.id
    audit.record(by.id, "acknowledge", alert, person_id=alert.person_id)
    db.session.flush()
    return alert


def resolve(alert: Alert, note: str, by: Staff) -> Alert:
    """Close an alert, saying what was done."""
    if alert.status == "resolved":
        raise Conflict("This alert is resolved already.")
    alert.status, alert.resolved_at, alert.resolved_by_id = "resolved", utcnow(), by.id
    alert.resolution = note
    audit.record(by.id, "resolve", alert, person_id=alert.person_id)
    db.session.flush()
    return alert
