"""The Twilio stand-in itself (issue 4, item 8) speaks Twilio's Messages API to the real `twilio` client."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.sms.twilio_standin import TwilioStandIn

TO, FROM = "+447911123456", "+447700900123"


@pytest.fixture
def standin():
    with TwilioStandIn() as running:
        yield running


@pytest.fixture
def client(standin) -> Client:
    client = Client(standin.account_sid, standin.auth_token)
    client.api.base_url = standin.base_url
    return client


def test_create_answers_201_in_twilios_shape(standin, client):
    message = client.messages.create(
        to=TO, from_=FROM, body="Hello", status_callback="https://example.org/cb"
    )

    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert (message.status, message.to, message.from_, message.body) == ("queued", TO, FROM, "Hello")
    assert message.account_sid == standin.account_sid
    assert message.direction == "outbound-api" and message.num_segments == "1"
    assert isinstance(message.date_created, datetime) and message.date_sent is None
    assert message.uri == f"/2010-04-01/Accounts/{standin.account_sid}/Messages/{message.sid}.json"
    assert standin.count(TO, "Hello") == 1


def test_a_messaging_service_message_is_accepted(standin, client):
    message = client.messages.create(to=TO, messaging_service_sid="MG" + "1" * 32, body="Hello")

    assert (message.status, message.messaging_service_sid, message.from_) == (
        "accepted",
        "MG" + "1" * 32,
        None,
    )


def test_fetch_and_list_with_filters_and_pages(standin, client):
    sids = [client.messages.create(to=TO, from_=FROM, body=f"n{i}").sid for i in range(7)]
    client.messages.create(to="+447911654321", from_=FROM, body="other")

    assert client.messages(sids[0]).fetch().body == "n0"
    listed = client.messages.list(to=TO, page_size=3)
    assert sorted(m.sid for m in listed) == sorted(sids)
    page = client.messages.page(to=TO, page_size=3)
    assert len(page._payload["messages"]) == 3 and page._payload["next_page_uri"].startswith("/2010-04-01/")
    assert page._payload["page"] == 0 and page._payload["page_size"] == 3
    now = datetime.now(UTC)
    assert len(client.messages.list(to=TO, date_sent_after=now - timedelta(minutes=1))) == 7
    assert client.messages.list(to=TO, date_sent_after=now + timedelta(minutes=1)) == []
    assert len(client.messages.list(to=TO, date_sent_before=now + timedelta(minutes=1))) == 7
    assert len(client.messages.list(date_sent=now.date())) == 8


def test_a_queued_message_has_no_date_sent_and_no_date_sent_filter_finds_it(standin, client):
    standin.hold_queued = True
    client.messages.create(to=TO, from_=FROM, body="waiting")

    assert client.messages.list(to=TO, date_sent_after=datetime.now(UTC) - timedelta(days=1)) == []
    [queued] = client.messages.list(to=TO)
    assert (queued.status, queued.date_sent) == ("queued", None)


def test_fetching_an_unknown_message_is_twilios_404(client):
    with pytest.raises(TwilioRestException) as refused:
        client.messages("SM" + "0" * 32).fetch()

    assert (refused.value.status, refused.value.code) == (404, 20404)


def test_a_wrong_auth_token_is_refused_with_401(standin):
    wrong = Client(standin.account_sid, "not-the-token")
    wrong.api.base_url = standin.base_url

    with pytest.raises(TwilioRestException) as refused:
        wrong.messages.create(to=TO, from_=FROM, body="Hello")

    assert (refused.value.status, refused.value.code) == (401, 20003)
    assert standin.total == 0


@pytest.mark.parametrize(
    ("status", "code"), [(429, 20429), (500, 20500), (503, 20503), (400, 21211), (400, 21610)]
)
def test_chosen_errors_come_in_twilios_error_json(standin, status, code):
    standin.fail_next(1, status, code)

    answer = requests.post(
        f"{standin.base_url}/2010-04-01/Accounts/{standin.account_sid}/Messages.json",
        data={"To": TO, "From": FROM, "Body": "Hello"},
        auth=(standin.account_sid, standin.auth_token),
    )

    assert answer.status_code == status
    body = answer.json()
    assert set(body) == {"code", "message", "more_info", "status"}
    assert (body["code"], body["status"]) == (code, status)
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert standin.total == 0 and len(standin.requests) == 1


def test_a_fault_for_one_number_leaves_the_others_alone(standin, client):
    standin.fail_next(1, 400, 21211, to="+447911000000")

    client.messages.create(to=TO, from_=FROM, body="fine")
    with pytest.raises(TwilioRestException):
        client.messages.create(to="+447911000000", from_=FROM, body="refused")

    assert standin.count() == 1


def test_an_invalid_number_is_refused_like_twilio(client):
    with pytest.raises(TwilioRestException) as refused:
        client.messages.create(to="07911 123456", from_=FROM, body="Hello")

    assert refused.value.code == 21211


def test_a_dropped_answer_still_counts_the_message(standin, client):
    standin.drop_next()

    with pytest.raises(requests.ConnectionError):
        client.messages.create(to=TO, from_=FROM, body="lost answer")

    assert standin.count(TO, "lost answer") == 1
    assert [m.body for m in client.messages.list(to=TO)] == ["lost answer"]


def test_every_answer_waits_the_delay(standin, client):
    standin.delay_ms = 150
    started = datetime.now(UTC)

    client.messages.create(to=TO, from_=FROM, body="slow")

    assert datetime.now(UTC) - started >= timedelta(milliseconds=150)


def test_status_callbacks_are_signed_as_twilio_signs_them(standin, client):
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            received.append((self.headers["X-Twilio-Signature"], form))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/twilio/status"
    try:
        sid = client.messages.create(to=TO, from_=FROM, body="Hello", status_callback=url).sid
        assert standin.send_status(sid, "delivered") == 204
    finally:
        server.shutdown()
        server.server_close()

    [(signature, form)] = received
    assert RequestValidator(standin.auth_token).validate(url, form, signature)
    assert (form["MessageSid"], form["MessageStatus"], form["To"], form["From"]) == (
        sid,
        "delivered",
        TO,
        FROM,
    )


def test_it_runs_as_its_own_process_and_prints_its_port():
    script = Path(__file__).with_name("twilio_standin.py")
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--delay-ms", "10"], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(process.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        client = Client("AC" + "5" * 32, "standin-auth-token-0123456789abcdef")
        client.api.base_url = base
        plan = urllib.request.Request(
            f"{base}/_standin/faults",
            data=json.dumps({"kind": "error", "status": 429}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(plan).close()

        with pytest.raises(TwilioRestException):
            client.messages.create(to=TO, from_=FROM, body="first")
        client.messages.create(to=TO, from_=FROM, body="second")

        with urllib.request.urlopen(f"{base}/_standin/received") as answer:
            counts = json.load(answer)
        assert counts["total"] == 1 and counts["requests"] == 2
        assert counts["messages"] == [{"to": TO, "body": "second", "count": 1}]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
