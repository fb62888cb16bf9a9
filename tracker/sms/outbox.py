"""Writing texts into the outbox in the same transaction as their cause, and cancelling them.

Each row's key (person, purpose, subject, due time) lets it exist once: scheduling the same
reminder twice changes nothing, a moved appointment cancels the old rows and writes new ones.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, select, update

from tracker.clock import zone
from tracker.extensions import db
from tracker.pathway.models import Appointment, Handover, ReleaseDate
from tracker.sms.models import Message
from tracker.sms.templates import clock_time, schedule

APPOINTMENT_PURPOSES = ("court_hearing", "appointment")
RELEASE_PURPOSES = ("release_day", "check_in")
# Handovers looked up in one statement: well inside the bound parameters either database allows.
CHUNK = 2000


def _at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, clock_time(hhmm), zone())


def want(
    person_id: int, purpose: str, subject_type: str, subject_id: int, due_at: datetime, now: datetime
) -> None:
    """Make sure this row exists and is pending (a cancelled one comes back when its time returns)."""
    row = db.session.scalar(
        select(Message).where(
            Message.person_id == person_id,
            Message.purpose == purpose,
            Message.subject_type == subject_type,
            Message.subject_id == subject_id,
            Message.due_at == due_at,
        )
    )
    if row is None:
        db.session.add(
            Message(
                person_id=person_id,
                purpose=purpose,
                subject_type=subject_type,
                subject_id=subject_id,
                due_at=due_at,
                status="pending",
                created_at=now,
                updated_at=now,
            )
        )
    elif row.status == "cancelled":
        row.status, row.note, row.updated_at = "pending", None, now


def _cancel(where, reason: str, now: datetime, keep: Set[datetime] = frozenset()) -> None:
    rows = db.session.scalars(select(Message).where(*where, Message.status == "pending")).all()
    for row in rows:
        if row.due_at not in keep:
            row.status, row.note, row.updated_at = "cancelled", reason, now


def appointment_changed(appointment: Appointment, now: datetime) -> None:
    """Keep an appointment's reminders in step: written when booked, moved with it, cancelled with it."""
    purpose = "court_hearing" if appointment.kind == "court_hearing" else "appointment"
    wanted: set[datetime] = set()
    if appointment.outcome is None:
        plan = schedule()[purpose]
        starts_on = appointment.starts_at.astimezone(zone()).date()
        for days in plan["days_before"]:
            due = _at(starts_on - timedelta(days=days), plan["at"])
            if now <= due < appointment.starts_at:  # a reminder already past is not sent late
                wanted.add(due)
    where = (
        Message.subject_type == "appointments",
        Message.subject_id == appointment.id,
        Message.purpose.in_(APPOINTMENT_PURPOSES),
    )
    _cancel(where, f"Appointment {appointment.outcome or 'moved'}.", now, keep=wanted)
    for due in wanted:
        want(appointment.person_id, purpose, "appointments", appointment.id, due, now)
    if appointment.outcome == "missed":
        after = timedelta(minutes=schedule()["missed"]["minutes_after"])
        want(
            appointment.person_id,
            "missed",
            "appointments",
            appointment.id,
            (appointment.outcome_at or now) + after,
            now,
        )


def release_changed(handover: Handover, now: datetime) -> None:
    """Keep the release-day text on the confirmed date and the check-in two days after the actual release.

    The release-day text goes at 09:00 on the confirmed date only, while custody is open or when the
    person was released that very day; a planned date that is not confirmed is never announced.
    """
    releases_changed((handover.id,), now)


def releases_changed(handover_ids: Sequence[int], now: datetime) -> None:
    """release_changed for many handovers at once (an imported release list), in a few statements."""
    plan = schedule()
    handovers: list[Any] = []
    rows: list[Message] = []
    for start in range(0, len(handover_ids), CHUNK):
        ids = handover_ids[start : start + CHUNK]
        found = db.session.execute(_release_facts().where(Handover.id.in_(ids))).all()
        handovers += found
        rows += db.session.scalars(
            select(Message).where(
                Message.person_id.in_({h.person_id for h in found}),  # indexed; subject_id is not
                Message.subject_type == "handovers",
                Message.subject_id.in_(ids),
                Message.purpose.in_(RELEASE_PURPOSES),
            )
        ).all()
    wanted = {h.id: _release_texts(h, plan, now) for h in handovers}
    for row in rows:
        if row.status == "pending" and row.due_at not in wanted.get(row.subject_id, {}):
            row.status, row.note, row.updated_at = "cancelled", "Release date moved or cancelled.", now
    existing = {(r.subject_id, r.purpose, r.due_at): r for r in rows}
    for handover in handovers:
        for due, purpose in wanted[handover.id].items():
            kept = existing.get((handover.id, purpose, due))
            if kept is None:
                db.session.add(
                    Message(
                        person_id=handover.person_id,
                        purpose=purpose,
                        subject_type="handovers",
                        subject_id=handover.id,
                        due_at=due,
                        status="pending",
                        created_at=now,
                        updated_at=now,
                    )
                )
            elif kept.status == "cancelled":
                kept.status, kept.note, kept.updated_at = "pending", None, now
        if handover.released_on:
            release_held(handover.person_id, handover.released_on, now)


def _release_facts() -> Select[Any]:
    # What the release texts depend on: the handover and its stage's confirmed date.
    confirmed = and_(ReleaseDate.stage_id == Handover.stage_id, ReleaseDate.kind == "confirmed")
    return select(
        Handover.id,
        Handover.person_id,
        Handover.kind,
        Handover.status,
        Handover.released_on,
        ReleaseDate.value_on.label("confirmed"),
    ).outerjoin(ReleaseDate, confirmed)


def _release_texts(handover: Any, plan: dict[str, Any], now: datetime) -> dict[datetime, str]:
    # The texts a release handover wants now: the release-day text and the check-in, by due time.
    wanted: dict[datetime, str] = {}
    confirmed = handover.confirmed if handover.kind == "release" else None
    if handover.status == "open" and confirmed and handover.released_on in (None, confirmed):
        wanted[_at(confirmed, plan["release_day"]["at"])] = "release_day"
    if handover.status == "open" and handover.released_on:
        check_in_on = handover.released_on + timedelta(days=plan["check_in"]["days_after_release"])
        wanted[_at(check_in_on, plan["check_in"]["at"])] = "check_in"
    return {due: purpose for due, purpose in wanted.items() if due >= now}


def release_held(person_id: int, released_on: date, now: datetime) -> None:
    """Texts held in custody go at the first allowed time after release if still ahead, else are dropped."""
    held = db.session.scalars(
        select(Message).where(Message.person_id == person_id, Message.status == "held")
    ).all()
    appointments = {
        a.id: a
        for a in db.session.scalars(
            select(Appointment).where(
                Appointment.id.in_({m.subject_id for m in held if m.subject_type == "appointments"})
            )
        )
    }
    # Nothing goes before the first allowed moment on the day of release (or now, if later).
    send_from = max(_at(released_on, schedule()["quiet_hours"]["start"]), now)
    for row in held:
        appointment = appointments.get(row.subject_id) if row.subject_type == "appointments" else None
        still_ahead = (
            appointment is not None and appointment.outcome is None and appointment.starts_at > send_from
        )
        row.updated_at = now
        if row.purpose in APPOINTMENT_PURPOSES and still_ahead:
            row.status, row.due_at = "pending", max(row.due_at, send_from)
            row.note = "Held while in custody; sent after release."
        else:
            row.status, row.note = (
                "cancelled",
                "Dropped: it fell due while in custody and its moment has passed.",
            )


def cancel_all_pending(person_id: int, reason: str, now: datetime) -> None:
    """Cancel every text still waiting for this person (back in custody, recalled, opted out)."""
    db.session.execute(
        update(Message)
        .where(Message.person_id == person_id, Message.status == "pending")
        .values(status="cancelled", note=reason, updated_at=now)
    )
