"""`flask sms dispatch --at`: a dispatch run for an instant stamps what it writes with that instant."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.sms.helpers import london
from tracker.pathway import care, service
from tracker.sms.models import Message

# A past week: a row stamped from the wall clock instead could never pass for one of these.
BOOKED_AT = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
APPOINTMENT = london(date(2026, 3, 5), "10:00")


@pytest.fixture
def reminder(db, om):
    """The reminder of an appointment booked in the past; dispatched --at its due time."""
    person = service.create_person(
        {"given_name": "Sam", "family_name": "Jones", "mobile": "07911 123456", "sms_consent": True},
        by=om,
        now=BOOKED_AT,
    )
    care.book_appointment(
        person,
        {"kind": "probation", "starts_at": APPOINTMENT, "location_label": "12 King Street"},
        by=om,
        now=BOOKED_AT,
    )
    db.session.commit()
    return db.session.scalar(select(Message).where(Message.purpose == "appointment"))


@pytest.fixture
def dispatched(app, db, twilio, reminder):
    result = app.test_cli_runner().invoke(args=["sms", "dispatch", "--at", reminder.due_at.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sent 1,"), result.output
    db.session.expire_all()
    return db.session.get(Message, reminder.id)


def test_a_text_written_by_a_use_case_is_stamped_with_its_callers_instant(reminder):
    assert (reminder.created_at, reminder.updated_at) == (BOOKED_AT, BOOKED_AT)


def test_dispatch_at_stamps_the_text_as_sent_at_that_instant(dispatched, reminder):
    assert (dispatched.status, dispatched.sent_at) == ("sent", reminder.due_at)


def test_dispatch_at_claims_the_text_at_that_instant(dispatched, reminder):
    assert dispatched.claimed_at == reminder.due_at


def test_dispatch_at_audits_the_send_when_it_really_happened(db, dispatched, reminder):
    """The audit log keeps the wall clock: a run --at a past instant cannot backdate who did what."""
    from tracker.audit import AuditEntry
    from tracker.types import utcnow

    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "sms_sent", AuditEntry.subject_id == reminder.id)
    ).all()

    assert entry.detail == {"purpose": "appointment"}
    assert reminder.due_at < BOOKED_AT.replace(month=4) < entry.at <= utcnow()
