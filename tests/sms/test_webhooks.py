"""Twilio's webhooks (issue 4, item 7): signatures checked against PUBLIC_BASE_URL, exempt from CSRF,
and status callbacks that arrive late or twice never move a message backwards."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from tests.sms.helpers import PUBLIC_BASE_URL, london
from tracker import create_app
from tracker.extensions import csrf
from tracker.sms.models import Message

STATUS = "/webhooks/twilio/status"
INBOUND = "/webhooks/twilio/inbound"


@pytest.fixture
def sent(twilio, texted_person, book, dispatch_at, today, db):
    """A reminder sent through the stand-in: (the outbox row, the stand-in's sid)."""
    person = texted_person()
    on = today + timedelta(days=2)
    book(person, london(on, "14:00"))
    dispatch_at(london(on - timedelta(days=1), "10:00"))
    [message] = twilio.sent_to(person["mobile"])
    return db.session.scalar(select(Message).where(Message.person_id == person["id"])), message["sid"]


def status_of(db, row: Message) -> str:
    db.session.expire_all()
    return db.session.get(Message, row.id).status


@pytest.fixture
def callback(twilio, signed_post):
    """callback(sid, status, error_code=None): Twilio's status callback for a message, signed."""

    def post(sid: str, status: str, error_code: int | None = None):
        return signed_post(STATUS, twilio.callback_params(sid, status, error_code))

    return post


# Signatures


@pytest.mark.parametrize("path", [STATUS, INBOUND])
def test_a_callback_without_a_signature_is_refused(signed_post, path):
    response = signed_post(
        path, {"MessageSid": "SM" + "1" * 32, "From": "+447911123456", "Body": "STOP"}, signature=None
    )

    assert response.status_code == 403
    assert response.json["message"] == "Missing or wrong X-Twilio-Signature."


@pytest.mark.parametrize("path", [STATUS, INBOUND])
def test_a_callback_with_a_wrong_signature_is_refused(signed_post, path):
    response = signed_post(
        path,
        {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered"},
        signature="bm90IHRoZSByaWdodCBzaWduYXR1cmU=",
    )

    assert response.status_code == 403


def test_a_signature_made_with_another_token_or_url_is_refused(client, twilio, sent):
    params = twilio.callback_params(sent[1], "delivered")
    for token, url in [
        ("another-token", PUBLIC_BASE_URL + STATUS),
        (twilio.auth_token, "http://localhost" + STATUS),
    ]:
        signature = RequestValidator(token).compute_signature(url, params)
        assert client.post(STATUS, data=params, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_a_changed_form_breaks_the_signature(client, twilio, sent):
    params = twilio.callback_params(sent[1], "sent")
    signature = twilio.sign(PUBLIC_BASE_URL + STATUS, params)

    forged = params | {"MessageStatus": "undelivered"}
    assert client.post(STATUS, data=forged, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_a_rightly_signed_status_callback_answers_204(callback, sent):
    assert callback(sent[1], "delivered").status_code == 204


def test_a_rightly_signed_inbound_text_answers_twiml(text_in):
    response = text_in("+447911123456", "hello")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == '<?xml version="1.0" encoding="UTF-8"?><Response />'


def test_the_webhooks_need_no_csrf_token_even_with_csrf_protection_on(app, twilio):
    protected = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_CHECK_DEFAULT": True,
            "WTF_CSRF_ENABLED": True,
            "TWILIO_AUTH_TOKEN": twilio.auth_token,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        },
        env="test",
    )
    csrf.init_app(protected)
    params = {"MessageSid": "SM" + "2" * 32, "MessageStatus": "delivered"}

    with protected.app_context():
        response = protected.test_client().post(
            STATUS, data=params, headers={"X-Twilio-Signature": twilio.sign(PUBLIC_BASE_URL + STATUS, params)}
        )

    assert response.status_code == 204


# Status callbacks: forward only


def test_delivered_moves_a_sent_message_on(callback, sent, db):
    row, sid = sent

    callback(sid, "sent")
    callback(sid, "delivered")

    db.session.expire_all()
    message = db.session.get(Message, row.id)
    assert message.status == "delivered" and message.delivered_at is not None


def test_a_late_sent_or_queued_after_delivered_changes_nothing(callback, sent, db):
    row, sid = sent
    callback(sid, "delivered")

    for late in ("sent", "queued", "sending", "undelivered", "failed", "delivered"):
        assert callback(sid, late).status_code == 204

    assert status_of(db, row) == "delivered"


def test_undelivered_is_kept_with_its_error_code_and_a_late_sent_does_not_undo_it(callback, sent, db):
    row, sid = sent

    callback(sid, "undelivered", error_code=30003)
    callback(sid, "sent")

    db.session.expire_all()
    message = db.session.get(Message, row.id)
    assert (message.status, message.error_code) == ("undelivered", "30003")


def test_every_callback_is_kept_as_an_event_and_undelivered_alerts_the_offender_manager_once(
    callback, sent, db
):
    from tracker.alerts.models import Alert
    from tracker.sms.models import StatusEvent

    row, sid = sent
    for status in ("sent", "undelivered", "failed", "delivered"):
        assert callback(sid, status, error_code=30005).status_code == 204

    db.session.expire_all()
    events = db.session.scalars(select(StatusEvent).order_by(StatusEvent.id)).all()
    assert [(e.provider_status, e.message_id) for e in events] == [
        ("sent", row.id),
        ("undelivered", row.id),
        ("failed", row.id),
        ("delivered", row.id),
    ]
    message = db.session.get(Message, row.id)
    [alert] = db.session.scalars(select(Alert).where(Alert.rule == "sms_failed")).all()
    assert message.status == "undelivered"  # a message never moves backwards
    assert (alert.subject_type, alert.subject_id, alert.staff_id) == (
        "sms_messages",
        row.id,
        message.person.offender_manager_id,
    )
    assert "30005" in alert.message and message.to not in alert.message


def test_a_callback_for_an_unknown_message_is_answered_and_ignored(callback, twilio, sent, db):
    twilio.messages["SM" + "f" * 32] = dict(twilio.messages[sent[1]], sid="SM" + "f" * 32)

    assert callback("SM" + "f" * 32, "delivered").status_code == 204
    assert status_of(db, sent[0]) == "sent"


# Over real HTTP: the stand-in calls the running app back


@pytest.fixture
def live_app(app, monkeypatch):
    """The app served on a free localhost port (PUBLIC_BASE_URL points at it)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_the_stand_in_calls_back_over_http_signed_and_the_message_ends_delivered(
    twilio, live_app, texted_person, book, dispatch_at, today, db
):
    twilio.auto_callbacks, twilio.callback_delay_ms = True, 300
    person = texted_person()
    on = today + timedelta(days=2)
    book(person, london(on, "14:00"))

    dispatch_at(london(on - timedelta(days=1), "10:00"))
    [message] = twilio.sent_to(person["mobile"])
    assert message["status_callback"] == f"http://127.0.0.1:{live_app.server_port}{STATUS}"
    deadline = time.monotonic() + 10
    while len(twilio.callbacks_sent) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)

    assert twilio.callbacks_sent == [(message["sid"], "sent", 204), (message["sid"], "delivered", 204)]
    db.session.expire_all()
    assert db.session.scalar(select(Message.status).where(Message.person_id == person["id"])) == "delivered"


def test_a_callback_that_beats_the_dispatcher_is_kept_and_applied_when_the_id_is_saved(
    signed_post, twilio, texted_person, book, today, db
):
    from tracker.sms.dispatch import DispatchResult, record
    from tracker.sms.gateways import SendResult
    from tracker.sms.models import StatusEvent
    from tracker.sms.templates import schedule

    person = texted_person()
    book(person, london(today + timedelta(days=2), "14:00"))
    row = db.session.scalar(select(Message).where(Message.person_id == person["id"]))

    early = {"MessageSid": "SM" + "e" * 32, "MessageStatus": "delivered", "AccountSid": twilio.account_sid}
    assert signed_post(STATUS, early).status_code == 204
    [waiting] = db.session.scalars(select(StatusEvent)).all()
    assert (waiting.gateway_sid, waiting.status, waiting.message_id) == ("SM" + "e" * 32, "delivered", None)

    record(
        [(row.id, SendResult(sid="SM" + "e" * 32))],
        london(today, "10:00"),
        schedule()["delivery"],
        DispatchResult(),
    )

    assert status_of(db, row) == "delivered"
    db.session.expire_all()
    assert db.session.scalar(select(StatusEvent.message_id)) == row.id
