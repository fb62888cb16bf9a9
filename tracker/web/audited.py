"""Auditing what a page shows: every page that shows a person leaves a view entry naming them."""

from __future__ import annotations

from typing import Any

from flask import request

from tracker import audit
from tracker.auth.models import Staff
from tracker.extensions import db


def shown(me: Staff, person_id: int | None, subject: Any = None) -> None:
    """Record that this page showed the person (and which record of theirs), and commit it."""
    if person_id is None:
        return
    if subject is None:
        audit.record(
            me.id,
            "view",
            subject_type="people",
            subject_id=person_id,
            person_id=person_id,
            page=request.endpoint,
        )
    else:
        audit.record(me.id, "view", subject, person_id=person_id, page=request.endpoint)
    db.session.commit()
