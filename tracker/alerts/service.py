"""Raising an alert when something happens, and acknowledging and resolving one; they flush, never commit.

raise_event_alert is the one way another package raises an alert (sms, for a reply or a failed text);
everything else is raised by the sweep.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import select, update

from tracker import audit
from tracker.alerts.config import alert_config
from tracker.alerts.models import Alert
from tracker.alerts.rules import Finding
from tracker.alerts.store import insert_new_alerts
from tracker.auth.models import Staff
from tracker.clock import local_today
from tracker.errors import Conflict
from tracker.extensions import db
from tracker.pathway.models import Person


def raise_event_alert(
    person: Person,
    rule: str,
    message: str,
    subject_type: str = "people",
    subject_id: int | None = None,
    merge: bool = False,
    *,
    now: datetime,
) -> None:
    """An alert to the person's offender manager (and their team), once per subject and day.

    With `merge`, a person's open alert of this rule takes the new message as a further line (the latest
    REPLIES_KEPT kept) and the new subject instead: one open alert per person, never one per event.
    """
    if merge and _merged(person, rule, message, subject_id):
        return
    team_id = db.session.scalar(select(Staff.team_id).where(Staff.id == person.offender_manager_id))
    subject = SimpleNamespace(
        subject_type=subject_type,
        subject_id=subject_id or person.id,
        person_id=person.id,
        teams={"probation": team_id, "owning_team": team_id},
        offender_manager_id=person.offender_manager_id,
    )
    insert_new_alerts([(rule, subject, Finding(local_today(now), message))], alert_config()["rules"], now)


# How many lines a merged alert keeps in its message: the latest, newest last.
REPLIES_KEPT = 10


def _merged(person: Person, rule: str, message: str, subject_id: int | None) -> bool:
    alert = db.session.scalar(
        select(Alert)
        .where(Alert.rule == rule, Alert.person_id == person.id, Alert.status == "open")
        .order_by(Alert.id.desc())
        .limit(1)
    )
    if alert is None:
        return False
    alert.message = "\n".join([*alert.message.split("\n"), message][-REPLIES_KEPT:])
    alert.subject_id = subject_id or person.id  # the latest, which the inbox links to
    db.session.flush()
    return True


def follow_transfer(person: Person, from_manager_id: int | None, now: datetime) -> None:
    """Move a person's open alerts from their old offender manager and team to the new ones."""
    old_team_id, new_team_id = (
        db.session.scalar(select(Staff.team_id).where(Staff.id == staff_id)) if staff_id else None
        for staff_id in (from_manager_id, person.offender_manager_id)
    )
    still_open = (Alert.person_id == person.id, Alert.status != "resolved")
    if from_manager_id is not None:
        db.session.execute(
            update(Alert)
            .where(*still_open, Alert.staff_id == from_manager_id)
            .values(staff_id=person.offender_manager_id)
        )
    if old_team_id is not None:
        db.session.execute(
            update(Alert).where(*still_open, Alert.team_id == old_team_id).values(team_id=new_team_id)
        )


def acknowledge(alert: Alert, by: Staff, now: datetime) -> Alert:
    """Say you have seen an open alert and are acting on it."""
    if alert.status != "open":
        raise Conflict(f"This alert is {alert.status}; only an open alert can be acknowledged.")
    alert.status, alert.acknowledged_at, alert.acknowledged_by_id = "acknowledged", now, by.id
    audit.record(by.id, "acknowledge", alert, person_id=alert.person_id)
    db.session.flush()
    return alert


def resolve(alert: Alert, note: str, by: Staff, now: datetime) -> Alert:
    """Close an alert, saying what was done."""
    if alert.status == "resolved":
        raise Conflict("This alert is resolved already.")
    alert.status, alert.resolved_at, alert.resolved_by_id = "resolved", now, by.id
    alert.resolution = note
    audit.record(by.id, "resolve", alert, person_id=alert.person_id)
    db.session.flush()
    return alert
