"""The queue of changed people: written in the same transaction as the change, taken by the sweep.

Every use case that creates or updates a person's records writes an audit entry ("create" or "update"
with the person's id); a flush hook queues that person beside it (and entries written in bulk by
audit.record_many announce their people, queued beside them), so a change and its place in the queue
commit or roll back together. The sweep takes the queued rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so
two sweeps never take the same row) and deletes them in its own transaction: a change committed after a
sweep began is left for the next one, whatever the timestamps say.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from tracker import audit, bulk
from tracker.alerts.models import ChangedPerson
from tracker.audit import CHANGES, AuditEntry
from tracker.extensions import among, db

CHUNK = 2000


def init_app() -> None:
    """Queue changed people at every flush of the app's sessions (once per process)."""
    if not event.contains(Session, "before_flush", queue_changed_people):
        event.listen(Session, "before_flush", queue_changed_people)
    audit.changes_recorded.connect(queue_people)


def queue_changed_people(session: Session, flush_context: Any, instances: Any) -> None:
    """Queue each person a new create or update audit entry names, once per flush."""
    people = {
        entry.person_id
        for entry in session.new
        if isinstance(entry, AuditEntry) and entry.action in CHANGES and entry.person_id is not None
    }
    session.add_all(ChangedPerson(person_id=person_id) for person_id in sorted(people))


def queue_people(person_ids: tuple[int, ...]) -> None:
    """Queue people whose change entries were written in bulk, in the same transaction."""
    bulk.insert_rows(ChangedPerson.__table__, [{"person_id": person_id} for person_id in person_ids])


def take(session: Session | None = None) -> tuple[list[int], set[int]]:
    """The queued rows this sweep takes (locked until it commits on PostgreSQL) and their people."""
    session = session or db.session
    query = select(ChangedPerson.id, ChangedPerson.person_id).order_by(ChangedPerson.id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query).all()
    return [row.id for row in rows], {row.person_id for row in rows}


def forget(row_ids: list[int]) -> None:
    """Delete the rows this sweep took, in its transaction: only those, never ones queued since."""
    # One array on PostgreSQL whatever the count; SQLite takes a bounded number of parameters.
    step = max(len(row_ids), 1) if db.engine.dialect.name == "postgresql" else CHUNK
    for start in range(0, len(row_ids), step):
        taken = row_ids[start : start + step]
        db.session.execute(delete(ChangedPerson).where(among(ChangedPerson.id, taken)))
