"""What people's texts do: STOP and START change consent at once, YES/NO answer the check-in,
anything else goes to the offender manager as an alert."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker import audit
from tracker.alerts.service import raise_event_alert
from tracker.extensions import db
from tracker.pathway.models import ConsentChange, Handover, Person
from tracker.sms import feedback, outbox
from tracker.sms.models import InboundMessage, Message
from tracker.sms.policy import classify_reply


def opt_out(person: Person, how: str, now: datetime) -> None:
    """Stop every text to this person from `now`, keeping the change in the consent history."""
    if person.sms_consent:
        person.sms_consent = False
        db.session.add(ConsentChange(person_id=person.id, consent=False, how=how, changed_at=now))
    audit.record(None, "sms_opt_out", person, person_id=person.id, how=how)
    outbox.cancel_all_pending(person.id, f"Opted out ({how}).", now)


def opt_in(person: Person, how: str, now: datetime) -> None:
    """Texts may start again; kept in the consent history."""
    if not person.sms_consent and person.mobile:
        person.sms_consent = True
        db.session.add(ConsentChange(person_id=person.id, consent=True, how=how, changed_at=now))
    audit.record(None, "sms_opt_in", person, person_id=person.id, how=how)


def handle_inbound(sid: str, from_number: str, body: str, now: datetime) -> str:
    """Act on an inbound text once (by its id); returns what it meant."""
    if db.session.scalar(select(InboundMessage.id).where(InboundMessage.gateway_sid == sid)):
        return "repeat"
    meaning, answer = classify_reply(body)
    people = db.session.scalars(select(Person).where(Person.mobile == from_number)).all()
    inbound = InboundMessage(
        gateway_sid=sid,
        from_number=from_number,
        body=body[:1600],
        meaning=meaning,
        person_id=people[0].id if len(people) == 1 else None,
        received_at=now,
    )
    db.session.add(inbound)
    db.session.flush()
    for person in people:
        if meaning == "stop":
            opt_out(person, f"replied {body.strip().upper()}", now)
        elif meaning == "start":
            opt_in(person, f"replied {body.strip().upper()}", now)
        elif meaning == "answer" and _record_check_in(person, answer, now):
            continue
        elif meaning == "other" and feedback.record_rating(person, body, now):
            # Only the number is kept: the reply's text goes with the rating's meaning.
            inbound.body, inbound.meaning = "", "rating"
            continue
        elif meaning in ("answer", "other"):
            # One open alert per person: a further reply is added to it, never an alert per reply.
            raise_event_alert(
                person,
                "sms_reply",
                f"Text reply: {body.strip()[:300]}",
                "sms_inbound",
                inbound.id,
                merge=True,
                now=now,
            )
    return inbound.meaning


def _record_check_in(person: Person, answer: bool | None, now: datetime) -> bool:
    """Put a YES/NO on the release handover whose check-in text went out last, if any."""
    handover_id = db.session.scalar(
        select(Message.subject_id)
        .where(
            Message.person_id == person.id,
            Message.purpose == "check_in",
            Message.status.in_(("sent", "delivered")),
        )
        .order_by(Message.sent_at.desc())
        .limit(1)
    )
    if handover_id is None:
        return False
    handover = db.session.get(Handover, handover_id)
    if handover is None:
        return False
    handover.check_in_answer, handover.check_in_answered_at = answer, now
    return True
