"""Delivery status as a state machine with consequences: every provider callback kept as an event,
a message only ever moving forward, and a text that fails after acceptance alerting the offender
manager exactly as a failure at send time does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker.alerts.service import raise_event_alert
from tracker.extensions import db
from tracker.sms.models import Message, StatusEvent, advance

# Twilio's MessageStatus values mapped onto the outbox's.
PROVIDER_STATUS = {
    "accepted": "sending",
    "queued": "sending",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "undelivered",
    "failed": "undelivered",
}


def record_status(
    gateway_sid: str, provider_status: str, error_code: str | None, now: datetime
) -> StatusEvent | None:
    """Keep a status callback and apply it to its message, if the message's id is known yet.

    Unknown statuses and callbacks without an id are ignored (None); late and repeated ones are
    kept but change nothing.
    """
    status = PROVIDER_STATUS.get(provider_status)
    if status is None or not gateway_sid:
        return None
    event = StatusEvent(
        gateway_sid=gateway_sid,
        provider_status=provider_status,
        status=status,
        error_code=error_code,
        received_at=now,
    )
    db.session.add(event)
    message = db.session.scalar(select(Message).where(Message.gateway_sid == gateway_sid))
    if message is not None:
        _apply(message, event)
    return event


def apply_waiting(messages: list[Message]) -> None:
    """Callbacks that beat the dispatcher to saving the message id are applied now, in order."""
    by_sid = {m.gateway_sid: m for m in messages if m.gateway_sid}
    if not by_sid:
        return
    waiting = db.session.scalars(
        select(StatusEvent)
        .where(StatusEvent.gateway_sid.in_(by_sid), StatusEvent.message_id.is_(None))
        .order_by(StatusEvent.id)
    )
    for event in waiting:
        _apply(by_sid[event.gateway_sid], event)


def apply_waiting_for(gateway_sids: set[str | None]) -> None:
    """The same for messages just marked sent with these ids: one query, and the messages loaded only
    when a callback is waiting for one."""
    sids = {sid for sid in gateway_sids if sid}
    if not sids:
        return
    waiting = db.session.scalar(
        select(StatusEvent.id)
        .where(StatusEvent.gateway_sid.in_(sids), StatusEvent.message_id.is_(None))
        .limit(1)
    )
    if waiting is not None:
        apply_waiting(list(db.session.scalars(select(Message).where(Message.gateway_sid.in_(sids)))))


def _apply(message: Message, event: StatusEvent) -> None:
    event.message_id = message.id
    # Stamped with the callback's own instant: one applied later, by the dispatcher, keeps when it came.
    if advance(message, event.status, event.error_code, event.received_at) and event.status == "undelivered":
        code = event.error_code or "unknown"
        raise_event_alert(
            message.person,
            "sms_failed",
            f"A text was not delivered (error {code}). Check the mobile number.",
            subject_type="sms_messages",
            subject_id=message.id,
            now=event.received_at,
        )
