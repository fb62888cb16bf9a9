"""Sending what is due, exactly once: claim, mark sending, send, then mark sent.

A row is claimed in its own committed transaction (FOR UPDATE SKIP LOCKED on PostgreSQL, and a
conditional UPDATE everywhere), so two dispatchers never take the same row. The sending itself is
tracker/sms/senders.py: one pool for the run. A row found still
"sending" after its lease (a crash between the call and the update) is looked up in the
gateway's own list and never blindly sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.util import identity_key

from tracker import audit, bulk
from tracker.alerts.service import raise_event_alert
from tracker.clock import zone
from tracker.extensions import db, hold_transaction
from tracker.sms import compose, replies
from tracker.sms.delivery import apply_waiting, apply_waiting_for
from tracker.sms.gateways import INVALID_NUMBER, OPTED_OUT, SendResult, SmsGateway
from tracker.sms.models import Message, among
from tracker.sms.policy import within_quiet_hours
from tracker.sms.senders import Senders
from tracker.sms.templates import clock_time, schedule

log = logging.getLogger("tracker.sms")

# Raises when the scheduler process running this has lost its lease (tracker/leadership.py).
Fence = Callable[[], None]


@dataclass
class DispatchResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    reconciled: int = 0
    details: list[str] = field(default_factory=list)


def dispatch(now: datetime, gateway: SmsGateway, fence: Fence | None = None) -> DispatchResult:
    """Send every text due at `now` inside the sending window, stamped at `now`; commits as it goes.

    One pool of senders serves the whole run and is kept full: a new batch is claimed while the last
    one is still being sent, and each answer is recorded as it comes, so no send waits for the slowest
    of its batch. Every stamp (the claim, the send, a retry's next attempt) is `now`, the instant the
    caller acts as of; the scheduler passes the wall clock. `fence`, from the scheduler, raises if this
    process no longer leads: it is called before each claim's commit, each text handed to the gateway
    and each commit of what it answered, so a leader that lost its lease sends and writes nothing more
    (rows it left "sending" are reconciled by the next leader). The CLI runs without one.
    """
    plan = schedule()
    delivery = plan["delivery"]
    result = DispatchResult()
    result.reconciled = reconcile(gateway, now, delivery["sending_lease_seconds"], fence)
    hours = plan["quiet_hours"]
    if not within_quiet_hours(now, clock_time(hours["start"]), clock_time(hours["end"]), zone()):
        return result  # due texts wait for the window
    concurrency = max(1, delivery["concurrency"])
    # Claim again while half a batch still waits behind the texts being sent, so no sender idles.
    refill_below = concurrency + delivery["batch_size"] // 2
    with Senders(gateway, concurrency, fence, delivery["throttle_retries"]) as senders:
        more, size = True, concurrency  # the first claim is a text a sender, so sending starts at once
        while more or senders.in_flight:
            if more and len(senders.in_flight) < refill_below:
                # A batch none of which may be sent (no consent, say) is empty but not the end.
                claimed = claim(now, size, result, fence)
                more, size = claimed is not None, delivery["batch_size"]
                senders.submit(claimed or [])
            else:
                record(senders.finished(), now, delivery, result, fence)
    return result


def claim(
    now: datetime, limit: int, result: DispatchResult, fence: Fence | None = None
) -> list[tuple[int, str, str]] | None:
    """Take up to `limit` due rows: check consent, compose, mark them sending; commits (None: none due)."""
    query = (
        select(Message.id)
        .where(
            Message.status == "pending",
            Message.due_at <= now,
            (Message.next_attempt_at.is_(None)) | (Message.next_attempt_at <= now),
        )
        .order_by(Message.due_at, Message.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if not ids:
        db.session.commit()
        return None
    taken = set(
        db.session.scalars(
            update(Message)
            .where(among(Message.id, ids), Message.status == "pending")
            .values(status="sending", claimed_at=now)
            .returning(Message.id)
        )
    )
    rows = db.session.scalars(select(Message).where(among(Message.id, taken))).all()
    ready = []
    for row, text in _compose_each(rows, now, result):
        if text is None:
            result.skipped += 1
            continue
        row.to, row.body = text
        ready.append((row.id, row.to, row.body))
    _check(fence)
    db.session.commit()
    return ready


def _compose_each(rows, now: datetime, result: DispatchResult) -> list:
    """The batch composed in a fixed number of queries; if one row breaks it, row by row, and the rows
    that cannot be composed are marked failed with a note, so the rest of the batch is sent."""
    try:
        return list(compose.compose(rows, now))
    except Exception:  # noqa: BLE001 - one bad row never stops the batch
        log.warning("dispatch: a batch of %d could not be composed; composing one by one", len(rows))
    composed = []
    for row in rows:
        try:
            composed += list(compose.compose([row], now))
        except Exception as error:  # noqa: BLE001
            log.warning("dispatch: message %s could not be composed (%s)", row.id, type(error).__name__)
            row.status, row.note = "failed", "Could not be composed: a stored value is out of range."
            result.failed += 1
    return composed


def record(
    outcomes: list[tuple[int, SendResult]],
    now: datetime,
    delivery: dict,
    result: DispatchResult,
    fence: Fence | None = None,
) -> None:
    """Write what the gateway answered for each row; commits."""
    hold_transaction()  # savepoints inside one transaction: the fence can still undo it all
    accepted = {message_id: outcome.sid for message_id, outcome in outcomes if outcome.sid}
    rest = [(message_id, outcome) for message_id, outcome in outcomes if not outcome.sid]
    try:
        # The answers together, in a few set-wide statements (a savepoint a row costs four round trips);
        # the texts accepted, nearly all of them, with no ORM object at all.
        with db.session.begin_nested():
            _record_accepted(accepted, now)
            rows = _rows(rest)
            counts = ["sent"] * len(accepted) + [_record_one(rows[i], o, now, delivery) for i, o in rest]
            db.session.flush()
    except Exception:  # noqa: BLE001 - one bad row never loses the others' answers
        log.warning("dispatch: %d answers could not be recorded together; one by one", len(outcomes))
        rows = _rows(outcomes)
        counts = [_record_alone(rows, message_id, outcome, now, delivery) for message_id, outcome in outcomes]
    for counted in counts:
        if counted:
            setattr(result, counted, getattr(result, counted) + 1)
    apply_waiting_for(set(accepted.values()))
    _check(fence)
    db.session.commit()


def _rows(outcomes: list[tuple[int, SendResult]]) -> dict[int, Message]:
    if not outcomes:
        return {}
    ids = [message_id for message_id, _ in outcomes]
    return {row.id: row for row in db.session.scalars(select(Message).where(among(Message.id, ids)))}


def _record_accepted(accepted: dict[int, str | None], now: datetime) -> None:
    """Mark the texts the gateway took sent, with its ids, and audit each: three statements in all."""
    if not accepted:
        return
    found = db.session.execute(
        select(Message.id, Message.attempts, Message.person_id, Message.purpose).where(
            among(Message.id, list(accepted))
        )
    ).all()
    bulk.update_rows(
        Message.__table__,
        [
            {
                "id": row.id,
                "status": "sent",
                "gateway_sid": accepted[row.id],
                "sent_at": now,
                "attempts": row.attempts + 1,
            }
            for row in found
        ],
    )
    # A copy of a row the session already holds is stale now: it is read afresh when next used.
    for message_id in accepted:
        held = db.session.identity_map.get(identity_key(Message, message_id))
        if held is not None:
            db.session.expire(held)
    audit.record_many(
        {
            "action": "sms_sent",
            "subject_type": Message.__tablename__,
            "subject_id": row.id,
            "person_id": row.person_id,
            "detail": {"purpose": row.purpose},
        }
        for row in found
    )


def _record_alone(
    rows: dict[int, Message], message_id: int, outcome: SendResult, now: datetime, delivery: dict
) -> str | None:
    """One answer in a savepoint of its own: if its record fails it is marked failed, the others kept."""
    try:
        with db.session.begin_nested():
            return _record_one(rows[message_id], outcome, now, delivery)
    except Exception as error:  # noqa: BLE001
        log.warning("dispatch: message %s could not be recorded (%s)", message_id, type(error).__name__)
        _mark_failed(message_id, outcome, now)
        return "failed"


def _record_one(row: Message, outcome: SendResult, now: datetime, delivery: dict) -> str | None:
    """Write one gateway answer on its row; returns which count it adds to."""
    row.attempts += 1
    if outcome.sid:
        row.status, row.gateway_sid, row.sent_at = "sent", outcome.sid, now
        audit.record(None, "sms_sent", row, person_id=row.person_id, purpose=row.purpose)
        return "sent"
    if outcome.unknown:
        row.note = f"Gateway answer lost ({outcome.error}); will be reconciled."
        return None
    if outcome.throttled:  # the provider's rate limit: later, however many times, never failed
        backoff = delivery["backoff_seconds"][min(row.attempts, len(delivery["backoff_seconds"])) - 1]
        row.status, row.next_attempt_at = "pending", now + timedelta(seconds=backoff)
        row.error_code, row.note = outcome.error_code, "Retrying: the provider asked us to slow down (429)."
        return "retrying"
    if outcome.retryable and row.attempts < delivery["max_attempts"]:
        backoff = delivery["backoff_seconds"][min(row.attempts, len(delivery["backoff_seconds"])) - 1]
        row.status, row.next_attempt_at = "pending", now + timedelta(seconds=backoff)
        row.error_code, row.note = outcome.error_code, f"Retrying: {outcome.error}"
        return "retrying"
    row.status, row.error_code, row.note = "failed", outcome.error_code, outcome.error
    _permanent_failure(row, outcome, now)
    return "failed"


def _mark_failed(message_id: int, outcome: SendResult, now: datetime) -> None:
    """Mark a row whose answer could not be recorded failed; the gateway's id goes in the note only, since
    writing it may be what failed (an id another row has)."""
    sent = f" The gateway took it as {outcome.sid} at {now.isoformat()}." if outcome.sid else ""
    db.session.execute(
        update(Message)
        .where(Message.id == message_id)
        .values(
            status="failed", attempts=Message.attempts + 1, note=f"Its answer could not be recorded.{sent}"
        )
        .execution_options(synchronize_session=False)
    )


def _check(fence: Fence | None) -> None:
    """Let the scheduler's fence raise if this process no longer leads (no fence: the CLI)."""
    if fence is not None:
        fence()


def _permanent_failure(row: Message, outcome: SendResult, now: datetime) -> None:
    if outcome.error_code == OPTED_OUT:
        replies.opt_out(row.person, "Twilio error 21610 (opt-out)", now)
        raise_event_alert(
            row.person, "sms_opted_out", "Texts stopped: this number has opted out with the carrier.", now=now
        )
    elif outcome.error_code == INVALID_NUMBER:
        raise_event_alert(
            row.person,
            "sms_failed",
            "A text could not be sent: the mobile number is not valid. Please fix it.",
            now=now,
        )
    else:
        raise_event_alert(
            row.person,
            "sms_failed",
            f"A text could not be sent (error {outcome.error_code or 'unknown'}). Check the mobile number.",
            now=now,
        )


def reconcile(gateway: SmsGateway, now: datetime, lease_seconds: int, fence: Fence | None = None) -> int:
    """Settle rows left "sending" past their lease at `now`: sent if the gateway has them, else due again."""
    stale_before = now - timedelta(seconds=lease_seconds)
    query = select(Message).where(Message.status == "sending", Message.claimed_at < stale_before)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = db.session.scalars(query).all()
    # Every question to the gateway first, so SQLite's write lock is not held across them.
    found = [_look_up(gateway, row, now) for row in rows]
    settled = [row for row, (asked, sid) in zip(rows, found, strict=True) if asked and _settle(row, sid, now)]
    apply_waiting([row for row in settled if row.gateway_sid])
    _check(fence)
    db.session.commit()
    return len(settled)


def _look_up(gateway: SmsGateway, row: Message, now: datetime) -> tuple[bool, str | None]:
    """Whether the gateway could be asked, and the id it has for this row's text (sent since the claim:
    asked as a duration, since the gateway keeps its own clock)."""
    if not (row.to and row.body):
        return True, None
    try:
        return True, gateway.find(row.to, row.body, max(now - row.claimed_at, timedelta(0)))
    except Exception:  # the gateway's list is down: leave the row for the next run, send the rest
        log.warning("reconcile: could not ask the gateway about message %s", row.id)
        return False, None


def _settle(row: Message, sid: str | None, now: datetime) -> bool:
    """Write what the gateway said, unless another dispatcher settled or claimed the row meanwhile
    (SQLite locks nothing while the gateway is asked); False when it did."""
    if sid:
        values = {
            "status": "sent",
            "gateway_sid": sid,
            "sent_at": row.sent_at or now,
            "note": "Reconciled: the gateway had it.",
        }
    else:
        values = {"status": "pending", "note": "Reconciled: the gateway never had it; sending again."}
    still_ours = (Message.id == row.id, Message.status == "sending", Message.claimed_at == row.claimed_at)
    written = db.session.execute(
        update(Message).where(*still_ours).values(**values).execution_options(synchronize_session=False)
    ).rowcount
    if written and sid:
        audit.record(None, "sms_sent", row, person_id=row.person_id, purpose=row.purpose, reconciled=True)
    db.session.expire(row)
    return written == 1
