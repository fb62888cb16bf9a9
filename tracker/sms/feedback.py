"""The feedback text after the first attended community appointment since a release, and its 1-5 answer.

The answer is kept as a number only: the reply's text is not kept (the inbound row keeps no body).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from tracker.clock import zone
from tracker.extensions import db
from tracker.pathway.continuity import COMMUNITY_KINDS
from tracker.pathway.models import Appointment, Handover, Person
from tracker.sms import outbox
from tracker.sms.models import FeedbackRating, Message
from tracker.sms.policy import feedback_rating
from tracker.sms.templates import clock_time, schedule

PURPOSE = "feedback"
# An appointment recorded so late that a text "the day after" would come a week on is not asked about.
STALE_AFTER_DAYS = 7


def appointment_changed(appointment: Appointment, now: datetime) -> None:
    """sms's one receiver of pathway's appointment changes: the reminders, then the feedback text."""
    outbox.appointment_changed(appointment, now)
    appointment_recorded(appointment, now)


def appointment_recorded(appointment: Appointment, now: datetime) -> None:
    """Write the feedback text when this is the first attended community appointment since a release."""
    if appointment.outcome != "attended" or appointment.kind not in COMMUNITY_KINDS:
        return
    attended_on = appointment.starts_at.astimezone(zone()).date()
    handover = _release_before(appointment.person_id, attended_on)
    if handover is None or _attended_earlier(appointment, handover) or _already_asked(handover):
        return
    plan = schedule()[PURPOSE]
    due = datetime.combine(
        attended_on + timedelta(days=plan["days_after_appointment"]), clock_time(plan["at"]), zone()
    )
    if now.astimezone(zone()).date() > attended_on + timedelta(days=STALE_AFTER_DAYS):
        return
    outbox.want(appointment.person_id, PURPOSE, "handovers", handover.id, max(due, now), now)


def _release_before(person_id: int, on) -> Handover | None:
    """The person's latest actual release on or before this day, unless they went back in since."""
    return db.session.scalar(
        select(Handover)
        .where(
            Handover.person_id == person_id,
            Handover.kind == "release",
            Handover.released_on.is_not(None),
            Handover.released_on <= on,
            Handover.status.in_(("open", "done")),
        )
        .order_by(Handover.released_on.desc())
        .limit(1)
    )


def _attended_earlier(appointment: Appointment, handover: Handover) -> bool:
    if handover.released_on is None:  # the handover was found by its release: never so
        return False
    released_at = datetime.combine(handover.released_on, datetime.min.time(), zone())
    return (
        db.session.scalar(
            select(Appointment.id)
            .where(
                Appointment.person_id == appointment.person_id,
                Appointment.id != appointment.id,
                Appointment.kind.in_(COMMUNITY_KINDS),
                Appointment.outcome == "attended",
                Appointment.starts_at >= released_at,
                Appointment.starts_at <= appointment.starts_at,
            )
            .limit(1)
        )
        is not None
    )


def _already_asked(handover: Handover) -> bool:
    return (
        db.session.scalar(
            select(Message.id)
            .where(
                Message.purpose == PURPOSE,
                Message.subject_type == "handovers",
                Message.subject_id == handover.id,
                Message.status != "cancelled",
            )
            .limit(1)
        )
        is not None
    )


def record_rating(person: Person, body: str, now: datetime) -> bool:
    """Keep a reply of just 1 to 5 to a feedback text sent within the reply window; the latest stands."""
    rating = feedback_rating(body)
    if rating is None:
        return False
    since = now - timedelta(days=schedule()[PURPOSE]["reply_within_days"])
    message = db.session.scalar(
        select(Message)
        .where(
            Message.person_id == person.id,
            Message.purpose == PURPOSE,
            Message.status.in_(("sent", "delivered")),
            Message.sent_at >= since,
        )
        .order_by(Message.sent_at.desc())
        .limit(1)
    )
    if message is None:
        return False
    row = db.session.scalar(select(FeedbackRating).where(FeedbackRating.message_id == message.id))
    if row is None:
        row = FeedbackRating(message_id=message.id, person_id=person.id, handover_id=message.subject_id)
        db.session.add(row)
    row.rating, row.received_at = rating, now
    return True
