"""Delivery, exactly once (issue 4, item 6): a unique key per text, retries with backoff for 429 and 5xx,
no retry for permanent errors, and rows left "sending" by a crash reconciled with Twilio's list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tests.sms.helpers import london, utcnow
from tracker.alerts.models import Alert
from tracker.pathway.models import Appointment
from tracker.sms import outbox
from tracker.sms.dispatch import DispatchResult, claim, dispatch
from tracker.sms.gateways import TwilioGateway, gateway_for
from tracker.sms.models import Message
from tracker.sms.templates import schedule


@pytest.fixture
def due(texted_person, book, today):
    """A person with one reminder due at `due.at` (tomorrow, 10:00 London)."""
    person = texted_person()
    on = today + timedelta(days=2)
    book(person, london(on, "14:00"))
    person["at"] = london(on - timedelta(days=1), "10:00")
    return person


def the_row(db, person) -> Message:
    db.session.expire_all()
    return db.session.scalar(select(Message).where(Message.person_id == person["id"]))


def backdate_claim(db, minutes: int = 10) -> None:
    """Make rows left "sending" look claimed `minutes` earlier (with the next dispatch 10 minutes on, a
    crash past the sending lease)."""
    for row in db.session.scalars(select(Message).where(Message.status == "sending")):
        row.claimed_at -= timedelta(minutes=minutes)
    db.session.commit()


# The exactly-once key


def test_scheduling_a_reminder_twice_writes_one_row(due, db):
    appointment = db.session.scalar(select(Appointment).where(Appointment.person_id == due["id"]))

    outbox.appointment_changed(appointment, now=utcnow())
    outbox.appointment_changed(appointment, now=utcnow())
    db.session.commit()

    assert db.session.query(Message).count() == 1


def test_the_database_refuses_a_second_row_with_the_same_key(due, db):
    row = the_row(db, due)
    db.session.add(
        Message(
            person_id=row.person_id,
            purpose=row.purpose,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            due_at=row.due_at,
            status="pending",
        )
    )

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_dispatching_twice_sends_once(twilio, due, dispatch_at, db):
    first = dispatch_at(due["at"])
    second = dispatch_at(due["at"] + timedelta(minutes=1))

    assert (first.sent, second.sent) == (1, 0)
    assert twilio.count(due["mobile"]) == 1
    row = the_row(db, due)
    assert (row.status, row.attempts, row.to) == ("sent", 1, due["mobile"])
    assert row.gateway_sid == twilio.sent_to(due["mobile"])[0]["sid"]


def test_a_batch_of_texts_that_may_not_be_sent_does_not_hold_up_the_rest(
    twilio, make_person, texted_person, om, book, dispatch_at, today, monkeypatch
):
    monkeypatch.setitem(schedule()["delivery"], "batch_size", 2)
    on = today + timedelta(days=2)
    for n in range(3):
        book(
            make_person(om, mobile=f"07911 20000{n}"), london(on, "09:30")
        )  # no consent: cancelled when claimed
    consented = texted_person()
    book(consented, london(on, "14:00"))

    result = dispatch_at(london(on - timedelta(days=1), "10:00"))

    assert (result.skipped, result.sent) == (3, 1)
    assert twilio.count(consented["mobile"]) == 1


def test_many_due_texts_are_sent_concurrently_each_once(
    twilio, texted_person, book, dispatch_at, today, monkeypatch
):
    monkeypatch.setitem(schedule()["delivery"], "batch_size", 7)
    twilio.delay_ms = 50
    on = today + timedelta(days=2)
    people = [texted_person() for _ in range(20)]
    for person in people:
        book(person, london(on, "14:00"))

    result = dispatch_at(london(on - timedelta(days=1), "10:00"))

    assert result.sent == 20
    assert all(twilio.count(p["mobile"]) == 1 for p in people)
    assert twilio.total == 20


# Retries


def test_a_429_pauses_the_senders_and_is_tried_again_in_the_same_run(twilio, due, dispatch_at, db):
    twilio.fail_next(1, 429)

    assert dispatch_at(due["at"]).sent == 1
    assert [r["status"] for r in twilio.requests] == [429, 201]
    assert twilio.count(due["mobile"]) == 1


def test_a_429_that_keeps_coming_waits_its_backoff_and_never_fails_the_text(
    twilio, due, dispatch_at, db, monkeypatch
):
    monkeypatch.setitem(schedule()["delivery"], "throttle_retries", 0)  # straight back to the queue
    twilio.fail_next(10, 429)
    at = due["at"]
    backoff = schedule()["delivery"]["backoff_seconds"]

    for offset in [0, *[sum(backoff[:n]) for n in range(1, 5)], 7200, 9000]:
        dispatch_at(at + timedelta(seconds=offset))

    row = the_row(db, due)
    assert row.attempts > schedule()["delivery"]["max_attempts"]
    assert (row.status, row.error_code) == ("pending", "20429")
    assert twilio.count(due["mobile"]) == 0


def test_429_and_5xx_are_retried_with_backoff(twilio, due, dispatch_at, db, monkeypatch):
    monkeypatch.setitem(schedule()["delivery"], "throttle_retries", 0)  # the 429 waits for its backoff
    twilio.fail_next(1, 429)
    twilio.fail_next(1, 503)
    at = due["at"]

    assert dispatch_at(at).retrying == 1
    row = the_row(db, due)
    assert (row.status, row.attempts, row.error_code, row.next_attempt_at) == (
        "pending",
        1,
        "20429",
        at + timedelta(seconds=30),
    )
    dispatch_at(at + timedelta(seconds=29))
    assert len(twilio.requests) == 1

    dispatch_at(at + timedelta(seconds=30))
    assert len(twilio.requests) == 2
    assert the_row(db, due).next_attempt_at == at + timedelta(seconds=30 + 120)

    dispatch_at(at + timedelta(seconds=150))
    row = the_row(db, due)
    assert (row.status, row.attempts) == ("sent", 3)
    assert [r["status"] for r in twilio.requests] == [429, 503, 201]
    assert twilio.count(due["mobile"]) == 1


def test_retries_stop_at_the_limit_and_tell_the_offender_manager(twilio, due, dispatch_at, db, om):
    twilio.fail_next(10, 500)
    at = due["at"]
    backoff = schedule()["delivery"]["backoff_seconds"]

    for offset in [0, *[sum(backoff[:n]) for n in range(1, 5)], 7200]:
        dispatch_at(at + timedelta(seconds=offset))

    assert len(twilio.requests) == schedule()["delivery"]["max_attempts"] == 5
    row = the_row(db, due)
    assert (row.status, row.attempts, row.error_code) == ("failed", 5, "20500")
    [alert] = db.session.scalars(select(Alert).where(Alert.rule == "sms_failed"))
    assert (alert.staff_id, alert.person_id) == (om.id, due["id"])


def test_21211_is_not_retried_and_asks_the_offender_manager_to_fix_the_number(
    twilio, due, dispatch_at, db, om
):
    twilio.fail_next(1, 400, 21211)

    result = dispatch_at(due["at"])
    for minutes in (1, 30, 120):
        dispatch_at(due["at"] + timedelta(minutes=minutes))

    assert (result.failed, result.retrying) == (1, 0)
    assert len(twilio.requests) == 1
    row = the_row(db, due)
    assert (row.status, row.error_code) == ("failed", "21211")
    [alert] = db.session.scalars(select(Alert).where(Alert.rule == "sms_failed"))
    assert alert.staff_id == om.id
    assert alert.message == "A text could not be sent: the mobile number is not valid. Please fix it."


# A crash while sending


def test_a_row_left_sending_that_twilio_accepted_is_marked_sent_not_resent(twilio, due, dispatch_at, db):
    twilio.drop_next()  # Twilio takes the message, the answer never arrives

    dispatch_at(due["at"])
    row = the_row(db, due)
    assert row.status == "sending" and row.gateway_sid is None
    assert twilio.count(due["mobile"]) == 1

    dispatch_at(due["at"] + timedelta(minutes=1))  # inside the lease: left alone
    assert the_row(db, due).status == "sending"
    backdate_claim(db)
    result = dispatch_at(due["at"] + timedelta(minutes=10))

    assert result.reconciled == 1
    row = the_row(db, due)
    assert (row.status, row.gateway_sid) == ("sent", twilio.sent_to(due["mobile"])[0]["sid"])
    assert row.note == "Reconciled: the gateway had it."
    assert twilio.count(due["mobile"]) == 1


def test_a_row_claimed_but_never_sent_is_sent_once_after_the_crash(twilio, due, dispatch_at, db):
    claim(due["at"], 10, DispatchResult())  # the dispatcher dies here, before the call
    assert the_row(db, due).status == "sending"
    backdate_claim(db)

    result = dispatch_at(due["at"] + timedelta(minutes=10))

    assert (result.reconciled, result.sent) == (1, 1)
    assert twilio.count(due["mobile"]) == 1
    assert the_row(db, due).status == "sent"


def test_a_call_that_times_out_is_reconciled_not_resent(app, twilio, due, db):
    twilio.hang_next(seconds=2)
    slow = TwilioGateway(
        twilio.account_sid, twilio.auth_token, {"from_": "+447700900123"}, None, twilio.base_url, timeout=0.5
    )

    dispatch(due["at"], slow)
    assert the_row(db, due).status == "sending"
    backdate_claim(db)
    dispatch(due["at"] + timedelta(minutes=10), gateway_for(app))

    assert twilio.count(due["mobile"]) == 1
    assert the_row(db, due).status == "sent"


def test_reconciling_does_not_take_an_older_text_with_the_same_words_for_this_one(
    twilio, due, dispatch_at, db
):
    row = the_row(db, due)
    dispatch_at(due["at"])
    body = the_row(db, due).body
    # The same words went to the same number long ago (say, last year's reminder); this one never left.
    old = twilio.messages[next(iter(twilio.messages))]
    for name in ("date_created", "date_sent", "date_updated"):
        old[name] -= timedelta(days=300)
    db.session.execute(
        update(Message)
        .where(Message.id == row.id)
        .values(status="sending", gateway_sid=None, claimed_at=utcnow() - timedelta(minutes=10))
    )
    db.session.commit()

    dispatch_at(due["at"] + timedelta(minutes=10))

    assert twilio.count(due["mobile"], body) == 2
    assert the_row(db, due).status == "sent"


def test_a_message_still_queued_at_twilio_is_found_not_resent(twilio, due, dispatch_at, db):
    twilio.hold_queued = True  # Twilio's queue is backed up: accepted, no date_sent yet
    twilio.drop_next()

    dispatch_at(due["at"])
    backdate_claim(db)
    dispatch_at(due["at"] + timedelta(minutes=10))

    assert twilio.count(due["mobile"]) == 1
    assert the_row(db, due).status == "sent"


# Late dispatch (the dispatcher was down)


def test_a_reminder_whose_appointment_has_begun_is_not_sent_late(twilio, due, dispatch_at, db, today):
    result = dispatch_at(london(today + timedelta(days=2), "15:00"))  # the first run after a long outage

    assert (result.sent, result.skipped) == (0, 1)
    assert twilio.total == 0
    row = the_row(db, due)
    assert (row.status, row.note) == ("cancelled", "Too late to send: its moment has passed.")


def test_a_release_day_text_is_not_sent_the_day_after(
    twilio, texted_person, release, dispatch_at, texts, today
):
    person = texted_person()
    released_on = today + timedelta(days=1)
    release(person, released_on)

    dispatch_at(london(released_on + timedelta(days=1), "09:00"))

    assert twilio.total == 0
    assert [(t.purpose, t.status) for t in texts(person)] == [("release_day", "cancelled")]


def test_a_reminder_late_by_hours_but_before_its_appointment_still_goes(twilio, due, dispatch_at):
    dispatch_at(due["at"] + timedelta(hours=5))

    assert twilio.count(due["mobile"]) == 1


# Twilio unreachable


def test_twilio_refusing_connections_is_retried_not_reconciled(twilio, due, dispatch_at, db):
    twilio.stop()

    result = dispatch_at(due["at"])

    assert result.retrying == 1
    row = the_row(db, due)
    assert (row.status, row.note) == ("pending", "Retrying: connection refused")


def test_a_dispatch_as_of_an_instant_stamps_the_text_sent_then(twilio, due, dispatch_at, db):
    late = due["at"] + timedelta(hours=3, minutes=17)

    dispatch_at(late)

    row = the_row(db, due)
    assert (row.status, row.sent_at) == ("sent", late)
