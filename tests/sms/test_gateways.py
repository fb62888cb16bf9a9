"""Gateways (issue 4, item 1): one small interface; the outbox by default, Twilio through the real client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.sms.helpers import PUBLIC_BASE_URL, TWILIO_FROM, london
from tracker.sms.gateways import OutboxGateway, TwilioGateway, gateway_for
from tracker.sms.models import Message


@pytest.fixture
def reminder_due(texted_person, book, today):
    """A person whose reminder is due at reminder_due["at"]."""
    person = texted_person(given_name="Sam")
    on = today + timedelta(days=2)
    book(person, london(on, "14:00"))
    person["at"] = london(on - timedelta(days=1), "10:00")
    return person


def test_the_outbox_is_the_default_and_nothing_leaves_the_machine(app, reminder_due, dispatch_at, db):
    assert app.config["SMS_BACKEND"] == "outbox"
    assert isinstance(gateway_for(app), OutboxGateway)

    result = dispatch_at(reminder_due["at"])

    assert result.sent == 1
    row = db.session.scalar(select(Message))
    assert row.status == "sent" and row.gateway_sid.startswith("OUTBOX-")
    assert row.body.startswith("Hi Sam, a reminder")


def test_twilio_sends_through_the_real_client_from_twilio_from(app, twilio, reminder_due, dispatch_at, db):
    assert isinstance(gateway_for(app), TwilioGateway)

    dispatch_at(reminder_due["at"])

    [message] = twilio.sent_to(reminder_due["mobile"])
    assert (message["from"], message["messaging_service_sid"]) == (TWILIO_FROM, None)
    assert message["status_callback"] == PUBLIC_BASE_URL + "/webhooks/twilio/status"
    assert message["body"].startswith("Hi Sam, a reminder")
    row = db.session.scalar(select(Message))
    assert (row.status, row.gateway_sid) == ("sent", message["sid"])
    assert row.gateway_sid.startswith("SM") and len(row.gateway_sid) == 34


def test_twilio_sends_through_a_messaging_service_when_one_is_set(
    app, twilio, reminder_due, dispatch_at, monkeypatch
):
    service = "MG" + "3" * 32
    monkeypatch.setitem(app.config, "TWILIO_MESSAGING_SERVICE_SID", service)

    dispatch_at(reminder_due["at"])

    [message] = twilio.sent_to(reminder_due["mobile"])
    assert message["messaging_service_sid"] == service
    assert twilio.requests[0]["status"] == 201


def test_every_twilio_call_goes_to_the_base_url(app, twilio, reminder_due, dispatch_at, monkeypatch):
    with type(twilio)() as elsewhere:
        monkeypatch.setitem(app.config, "TWILIO_API_BASE_URL", elsewhere.base_url)
        monkeypatch.setitem(app.config, "TWILIO_ACCOUNT_SID", elsewhere.account_sid)

        dispatch_at(reminder_due["at"])

        assert (twilio.total, elsewhere.total) == (0, 1)


def test_an_unknown_backend_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_BACKEND", "carrier-pigeon")

    with pytest.raises(ValueError, match="SMS_BACKEND must be outbox or twilio"):
        gateway_for(app)


def test_the_twilio_gateway_finds_a_text_it_sent(twilio):
    gateway = TwilioGateway(
        twilio.account_sid, twilio.auth_token, {"from_": TWILIO_FROM}, None, twilio.base_url
    )
    sid = gateway.send("+447911123456", "See you Tuesday").sid
    within = timedelta(minutes=1)

    assert gateway.find("+447911123456", "See you Tuesday", within) == sid
    assert gateway.find("+447911123456", "See you Wednesday", within) is None
    assert gateway.find("+447911654321", "See you Tuesday", within) is None


def test_sms_dispatch_at_sends_what_is_due_then(app, twilio, reminder_due):
    runner = app.test_cli_runner()

    early = runner.invoke(
        args=["sms", "dispatch", "--at", (reminder_due["at"] - timedelta(hours=2)).isoformat()]
    )
    on_time = runner.invoke(args=["sms", "dispatch", "--at", reminder_due["at"].isoformat()])

    assert early.exit_code == 0 and on_time.exit_code == 0, on_time.output
    assert early.output.strip() == "sent 0, retrying 0, failed 0, not sent 0, reconciled 0"
    assert on_time.output.strip() == "sent 1, retrying 0, failed 0, not sent 0, reconciled 0"
    assert twilio.count(reminder_due["mobile"]) == 1


def test_twilio_without_a_sender_is_refused(app, twilio, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_FROM", None)

    with pytest.raises(ValueError, match="TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID"):
        gateway_for(app)
