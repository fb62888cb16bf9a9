"""A subject the sweep cannot evaluate: logged by its ids alone, and a `data_problem` alert to its owners.

One bad record (a date in year 9999 stored before the inputs were bounded, say) must never stop the
sweep for everyone else; it is set aside, and the people who own it are told to look at it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from tracker.alerts.models import Alert
from tracker.alerts.rules import Finding
from tracker.alerts.store import insert_new_alerts
from tracker.auth.models import Staff
from tracker.clock import local_today
from tracker.extensions import db
from tracker.pathway.models import Appointment, Handover, Person, Screening, Stage

log = logging.getLogger("tracker.alerts")
RULE = "data_problem"
MODELS: dict[str, Any] = {
    "handovers": Handover,
    "stages": Stage,
    "screenings": Screening,
    "appointments": Appointment,
    "alerts": Alert,
}
MESSAGE = (
    "The alerts for this record could not be worked out: one of its stored values is out of range or "
    "inconsistent. Please check its dates; the other checks go on meanwhile."
)


def data_problem(
    subject_type: str, subject_id: int, error: BaseException, rule_config: dict, now: datetime
) -> None:
    """Log the subject by its ids and the error's type (never its message: it may quote the data)."""
    log.warning("sweep: %s %s could not be evaluated (%s)", subject_type, subject_id, type(error).__name__)
    already = db.session.scalar(
        select(Alert.id).where(
            Alert.rule == RULE,
            Alert.subject_type == subject_type,
            Alert.subject_id == subject_id,
            Alert.status.in_(("open", "acknowledged")),
        )
    )
    if already is None:
        owner = _owner(subject_type, subject_id)
        insert_new_alerts([(RULE, owner, Finding(local_today(now), MESSAGE))], rule_config, now)


def _owner(subject_type: str, subject_id: int) -> SimpleNamespace:
    """The subject's person, owning team and offender manager, read column by column (never a whole row)."""
    model = MODELS[subject_type]
    team_column = model.team_id if hasattr(model, "team_id") else None
    columns = [model.person_id] + ([team_column] if team_column is not None else [])
    row = db.session.execute(select(*columns).where(model.id == subject_id)).first()
    person_id = row[0] if row else None
    team_id = row[1] if row is not None and len(row) > 1 else None
    manager_id = (
        db.session.scalar(select(Person.offender_manager_id).where(Person.id == person_id))
        if person_id
        else None
    )
    if team_id is None and manager_id is not None:
        team_id = db.session.scalar(select(Staff.team_id).where(Staff.id == manager_id))
    return SimpleNamespace(
        subject_type=subject_type,
        subject_id=subject_id,
        person_id=person_id,
        teams={"owning_team": team_id},
        offender_manager_id=manager_id,
    )
