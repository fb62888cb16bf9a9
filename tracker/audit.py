"""The append-only audit log: every view, change, export and message of a person's data.

An entry about one person names them in `person_id`; an entry for a request that disclosed several
(a list, a board) names them all in `person_ids`, one entry per request, so a page of 50 people costs one
row, not 50. "Who saw person X" is disclosures_of(X): one query, indexed on both columns (a GIN index on
the integer array on PostgreSQL; SQLite keeps JSON and looks inside it with json_each).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from blinker import Namespace
from sqlalchemy import (
    JSON,
    ColumnElement,
    Connection,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    event,
    exists,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from tracker import bulk
from tracker.extensions import Model, db
from tracker.types import UTCDateTime, utcnow

# Entries that say a person's records changed (the alert sweep re-evaluates those people).
CHANGES = ("create", "update")
changes_recorded = Namespace().signal(
    "changes-recorded",
    doc="Change entries were written in bulk (record_many); the sender is the tuple of the people's ids.",
)
# The people a request disclosed: an integer array on PostgreSQL (GIN-indexed), JSON on SQLite.
PersonIds = postgresql.ARRAY(Integer).with_variant(JSON(none_as_null=True), "sqlite")


class AuditEntry(Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_person_ids", "person_ids", postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    person_id: Mapped[int | None] = mapped_column(index=True)
    person_ids: Mapped[list[int] | None] = mapped_column(PersonIds)
    # An entry with no detail keeps SQL NULL, however it was written (not JSON's null).
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class AuditPurge(Model):
    """A row here lets SQLite's triggers allow a purge of the audit log, inside one transaction.

    The database refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit entries unless a purge
    is allowed for the transaction: see allow_purge() and the migration that creates the triggers.
    """

    __tablename__ = "audit_purges"

    id: Mapped[int] = mapped_column(primary_key=True)


def allow_purge(connection: Connection) -> None:
    """Let this transaction remove audit entries (the test harness's reset, later retention); nothing else."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL tracker.audit_purge = 'on'"))
    else:
        connection.execute(text("INSERT INTO audit_purges (id) VALUES (1)"))


def end_purge(connection: Connection) -> None:
    """Close what allow_purge() opened, before the transaction commits (SQLite keeps a row)."""
    if connection.dialect.name != "postgresql":
        connection.execute(text("DELETE FROM audit_purges"))


class AuditIsAppendOnly(RuntimeError):
    """Raised on any attempt to change or remove an audit entry."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise AuditIsAppendOnly("audit entries are never changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # Bulk update()/delete() statements skip the mapper events above.
    if (
        (state.is_update or state.is_delete)
        and state.bind_mapper is not None
        and state.bind_mapper.class_ is AuditEntry
    ):
        raise AuditIsAppendOnly("audit entries are never changed or deleted")


def record(
    actor_id: int | None,
    action: str,
    subject: Any = None,
    *,
    person_id: int | None = None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    **detail: Any,
) -> None:
    """Append one audit entry; `subject` is a model instance (its table and id are kept)."""
    if subject is not None:
        subject_type = subject_type or subject.__tablename__
        subject_id = subject_id or subject.id
    db.session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            subject_type=subject_type or "none",
            subject_id=subject_id,
            person_id=person_id,
            detail=detail or None,
        )
    )


def record_many(entries: Iterable[dict[str, Any]]) -> None:
    """Append many entries at once; each a dict of actor_id, action, subject_type, subject_id, person_id
    and detail, as record() writes them, stamped with the wall clock as record() stamps its entry. The
    people that create and update entries name are announced (changes_recorded), as a flush announces
    those of entries added one by one."""
    at = utcnow()
    rows = [
        {
            "at": at,
            "actor_id": entry.get("actor_id"),
            "action": entry["action"],
            "subject_type": entry.get("subject_type") or "none",
            "subject_id": entry.get("subject_id"),
            "person_id": entry.get("person_id"),
            "detail": entry.get("detail") or None,
        }
        for entry in entries
    ]
    bulk.insert_rows(AuditEntry.__table__, rows)
    changed = {r["person_id"] for r in rows if r["action"] in CHANGES and r["person_id"] is not None}
    if changed:
        changes_recorded.send(tuple(sorted(changed)))


def record_view(
    actor_id: int, subject_type: str, subject_id: int | None, person_id: int | None, **detail: Any
) -> None:
    """Append one 'view' entry at once: a read is not a change, so it needs none of the unit of work's
    bookkeeping (and nothing queues a view for the sweep)."""
    _append_view(actor_id, subject_type, subject_id, person_id, None, detail)


def record_views(actor_id: int, person_ids: Iterable[int], **detail: Any) -> None:
    """One 'view' entry for a request that showed several people, listing every one it disclosed."""
    shown = list(dict.fromkeys(person_ids))
    if shown:
        _append_view(actor_id, "people", None, None, shown, detail)


# Views are the most common entry (every read writes one), so they are appended with one INSERT built
# once, on the session's connection and in its transaction, with no ORM statement to build and key.
_APPEND = AuditEntry.__table__.insert()


def _append_view(
    actor_id: int,
    subject_type: str,
    subject_id: int | None,
    person_id: int | None,
    person_ids: list[int] | None,
    detail: dict[str, Any],
) -> None:
    db.session.connection().execute(
        _APPEND,
        {
            "at": utcnow(),
            "actor_id": actor_id,
            "action": "view",
            "subject_type": subject_type,
            "subject_id": subject_id,
            "person_id": person_id,
            "person_ids": person_ids,
            "detail": detail or None,
        },
    )


def disclosed(person_id: int) -> ColumnElement[bool]:
    """The condition on audit entries that name `person_id`, alone or among the people a request showed."""
    if db.engine.dialect.name == "postgresql":
        among = AuditEntry.person_ids.contains([person_id])  # @>: answered by the GIN index
    else:
        listed = func.json_each(AuditEntry.person_ids).table_valued("value")
        among = exists(select(1).select_from(listed).where(listed.c.value == person_id))
    return or_(AuditEntry.person_id == person_id, among)


def disclosures_of(person_id: int) -> Select[tuple[AuditEntry]]:
    """Who saw person X: every audit entry naming them, oldest first (one indexed query)."""
    return select(AuditEntry).where(disclosed(person_id)).order_by(AuditEntry.id)
