"""The SMS outbox and the texts people send back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Index, Integer, String, Text, UniqueConstraint, bindparam
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Model
from tracker.pathway.models import Person
from tracker.types import UTCDateTime, utcnow


def among(column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """`column IN (ids)` with the ids written into the SQL: a batch's 200 placeholders cost psycopg more
    CPU to parse than the query costs PostgreSQL to run. Integers only, so nothing can be injected."""
    values = sorted({int(i) for i in ids})
    return column.in_(bindparam(None, values, expanding=True, literal_execute=True, type_=Integer))


# "held": due while the person was in custody; sent after their release if still useful, else cancelled.
STATUSES = ("pending", "held", "sending", "sent", "delivered", "undelivered", "failed", "cancelled")
# Status callbacks may arrive late or twice: a message only ever moves up this order.
PROGRESS = {
    "pending": 0,
    "held": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "cancelled": 3,
}


class Message(Model):
    """One text to send, written in the same transaction as its cause; its key makes it exist once."""

    __tablename__ = "sms_messages"
    __table_args__ = (
        UniqueConstraint("person_id", "purpose", "subject_type", "subject_id", "due_at"),
        Index("ix_sms_messages_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(15), default="pending")
    to: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gateway_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error_code: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship()


class InboundMessage(Model):
    """A text a person sent us, and what it was taken to mean."""

    __tablename__ = "sms_inbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str] = mapped_column(String(20), index=True)
    body: Mapped[str] = mapped_column(Text)
    meaning: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedbackRating(Model):
    """A 1-5 answer to the feedback text, kept without the reply's text; the latest answer stands."""

    __tablename__ = "sms_feedback_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The feedback text answered; one rating each.
    message_id: Mapped[int] = mapped_column(ForeignKey("sms_messages.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # The release handover the feedback asked about.
    handover_id: Mapped[int] = mapped_column(ForeignKey("handovers.id"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class StatusEvent(Model):
    """Every delivery-status callback the provider sent, kept as it came.

    One whose message id the dispatcher has not saved yet has no message: it is applied (and linked)
    when the id is saved.
    """

    __tablename__ = "sms_status_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway_sid: Mapped[str] = mapped_column(String(64), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("sms_messages.id"), index=True)
    provider_status: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(15))
    error_code: Mapped[str | None] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def advance(message: Message, status: str, error_code: str | None, at: datetime) -> bool:
    """Move a message on to a later status, reported at `at`; an earlier or equal one changes nothing."""
    if PROGRESS[status] <= PROGRESS[message.status]:
        return False
    message.status = status
    if status == "delivered":
        message.delivered_at = at
    if status == "undelivered":
        message.error_code = error_code or message.error_code
    return True
