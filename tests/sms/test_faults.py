"""Delivery faults (issue 4, "Tests that must exist"): a dispatcher killed with SIGKILL mid-send, and two
dispatchers on one database; each text is received by the Twilio stand-in exactly once.

Real processes throughout: the stand-in is its own process (tests/sms/twilio_standin.py) and each
dispatcher is `flask --app wsgi sms dispatch --at AT` on the test database. The dispatcher runs with
TRACKER_ENV=test and TEST_DATABASE_URL, the variable the Test settings read (only the other settings
read DATABASE_URL). A row left "sending" is reconciled once its lease (config/sms/schedule.toml) has passed
at the dispatch's `now`: the tests set its claimed_at back rather than wait.
"""

from __future__ import annotations

import os
import re
import select as selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, insert, select
from twilio.request_validator import RequestValidator

from tests.sms.helpers import LONDON, PUBLIC_BASE_URL, TWILIO_FROM
from tests.sms.twilio_standin import ACCOUNT_SID, AUTH_TOKEN
from tracker.pathway.models import Person
from tracker.sms.models import Message, StatusEvent
from tracker.sms.templates import schedule

ROOT = Path(__file__).resolve().parents[2]
STANDIN = ROOT / "tests" / "sms" / "twilio_standin.py"
CALLBACK_PATH = "/webhooks/twilio/status"
AT = datetime(2026, 6, 16, 10, 0, tzinfo=LONDON)  # a Tuesday, inside the 09:00-20:00 sending window
RUN_STANDIN = [sys.executable, str(STANDIN)]


@dataclass
class StandIn:
    """The Twilio stand-in process, seen through its control endpoints and the Messages API."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def received(self) -> dict:
        return requests.get(f"{self.base_url}/_standin/received", timeout=5).json()

    def plan(self, **fault: object) -> None:
        requests.post(f"{self.base_url}/_standin/faults", json=fault, timeout=5).raise_for_status()

    def sids(self) -> dict[str, str]:
        """The id of every message it accepted, by the number it went to."""
        url = f"{self.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        page = requests.get(url, params={"PageSize": 1000}, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=10).json()
        assert page["next_page_uri"] is None
        return {m["to"]: m["sid"] for m in page["messages"]}


@dataclass
class Dispatcher:
    """One `flask sms dispatch` process and what it printed."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def finished(self, within: float = 60) -> dict[str, int]:
        """Wait for it to end; what it said it did ({"sent": 1, "reconciled": 0, ...})."""
        assert self.process.wait(timeout=within) == 0, self.log_path.read_text()
        summary = self.log_path.read_text().strip().splitlines()[-1]
        return {what: int(n) for what, n in re.findall(r"([a-z][a-z ]*?) (\d+)", summary.replace(",", ""))}

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


class Door:
    """A TCP door in front of the stand-in: open, it passes everything on; shut, it takes each request
    and passes none of it on, so the stand-in never sees it (a call that has not reached Twilio)."""

    def __init__(self, upstream_port: int):
        self.upstream, self.is_open, self.held = ("127.0.0.1", upstream_port), threading.Event(), 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            if not self.is_open.is_set():
                if connection.recv(65536):
                    self.held += 1
                while connection.recv(65536):  # until the caller is gone; nothing goes on
                    pass
                return
            with socket.create_connection(self.upstream) as upstream:
                threading.Thread(target=_pipe, args=(upstream, connection), daemon=True).start()
                _pipe(connection, upstream)

    def close(self) -> None:
        self._listener.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
        target.shutdown(socket.SHUT_WR)
    except OSError:
        pass


@pytest.fixture
def standin() -> Iterator[Callable[..., StandIn]]:
    """standin(delay_ms=0): a stand-in process on a free port, killed at teardown."""
    started: list[StandIn] = []

    def start(delay_ms: float = 0) -> StandIn:
        command = [*RUN_STANDIN, "--port", "0", "--delay-ms", str(delay_ms)]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE)
        started.append(StandIn(process, 0))
        ready, _, _ = selectors.select([process.stdout], [], [], 15)
        assert ready, "the stand-in did not say its port"
        started[-1].port = int(process.stdout.readline())
        return started[-1]

    yield start
    for each in started:
        each.process.kill()
        each.process.wait(timeout=10)
        each.process.stdout.close()


@pytest.fixture
def door(standin) -> Iterator[Callable[[StandIn], Door]]:
    doors: list[Door] = []

    def make(twilio: StandIn) -> Door:
        doors.append(Door(twilio.port))
        return doors[-1]

    yield make
    for each in doors:
        each.close()


@pytest.fixture
def dispatcher(app, database_url, tmp_path) -> Iterator[Callable[[str], Dispatcher]]:
    """dispatcher(twilio_base_url): `flask sms dispatch --at AT` on the test database, killed at teardown."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")} | {
        "TRACKER_ENV": "test",
        "TEST_DATABASE_URL": database_url,
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM": TWILIO_FROM,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "sms", "dispatch", "--at", AT.isoformat()]
    started: list[Dispatcher] = []

    def start(twilio_base_url: str) -> Dispatcher:
        log_path = tmp_path / f"dispatch-{len(started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env | {"TWILIO_API_BASE_URL": twilio_base_url},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(Dispatcher(process, log_path))
        return started[-1]

    yield start
    for each in started:  # before the app fixture empties the tables under them
        if each.process.poll() is None:
            each.kill()


def due_texts(db, count: int) -> list[str]:
    """`count` check-in texts due at AT to people who consented, each with a mobile of their own
    (a check-in's words need only the person's first name, so no handover is made for it)."""
    mobiles = [f"+4479300{n:05d}" for n in range(count)]
    people = [
        {"given_name": f"Alex{n}", "family_name": "Fault", "mobile": mobile, "sms_consent": True}
        for n, mobile in enumerate(mobiles)
    ]
    ids = db.session.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), people).all()
    db.session.execute(
        insert(Message),
        [
            {
                "person_id": i,
                "purpose": "check_in",
                "subject_type": "handovers",
                "subject_id": i,
                "due_at": AT,
            }
            for i in ids
        ],
    )
    db.session.commit()
    return mobiles


def statuses(db) -> Counter[str]:
    counted = Counter(db.session.scalars(select(Message.status)))
    db.session.rollback()  # hold no snapshot or lock while the dispatchers write
    return counted


def sids_saved(db) -> dict[str, str]:
    """The gateway id each row saved, by the number it went to."""
    rows = db.session.execute(
        select(Message.to, Message.gateway_sid).where(Message.gateway_sid.is_not(None))
    ).all()
    db.session.rollback()
    return dict(rows)


def expire_the_sending_lease(db) -> None:
    """Make rows left "sending" look as old as a crash just past the lease."""
    lapsed = timedelta(seconds=schedule()["delivery"]["sending_lease_seconds"] + 5)
    for row in db.session.scalars(select(Message).where(Message.status == "sending")):
        row.claimed_at -= lapsed
    db.session.commit()


def received_once_each(twilio: StandIn, mobiles: list[str]) -> bool:
    received = twilio.received()
    return (
        received["total"] == received["requests"] == len(mobiles)
        and sorted(m["to"] for m in received["messages"]) == sorted(mobiles)
        and {m["count"] for m in received["messages"]} == {1}
    )


def eventually(condition: Callable[[], object], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"not within {within} s"
        time.sleep(0.05)


def twilio_calls_back(client, sid: str, status: str) -> int:
    """Post Twilio's signed status callback for this message to the app, as Twilio would."""
    params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT_SID, "MessageStatus": status}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_BASE_URL + CALLBACK_PATH, params)
    return client.post(CALLBACK_PATH, data=params, headers={"X-Twilio-Signature": signature}).status_code


@pytest.fixture
def callbacks(app, client, monkeypatch) -> Callable[[str, str], int]:
    """callbacks(sid, status): a status callback to this process's app, which shares the test database."""
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC_BASE_URL)
    return lambda sid, status: twilio_calls_back(client, sid, status)


def killed_between_claim_and_send(db, twilio: StandIn, door, dispatcher) -> tuple[Door, str]:
    """A text claimed ("sending") whose call never reached the stand-in when its dispatcher was killed."""
    shut = door(twilio)
    [mobile] = due_texts(db, 1)
    first = dispatcher(shut.base_url)
    eventually(lambda: shut.held and statuses(db) == {"sending": 1}, within=20)
    first.kill()
    return shut, mobile


NOTHING_DONE = {"sent": 0, "retrying": 0, "failed": 0, "not sent": 0, "reconciled": 0}


@pytest.mark.slow
def test_a_dispatcher_killed_between_claim_and_send_sends_the_text_once_after_restart(
    db, standin, door, dispatcher
):
    twilio = standin()
    shut, mobile = killed_between_claim_and_send(db, twilio, door, dispatcher)

    assert dispatcher(shut.base_url).finished() == NOTHING_DONE  # within the lease: left alone
    assert statuses(db) == {"sending": 1}
    shut.is_open.set()
    expire_the_sending_lease(db)
    after_restart = dispatcher(shut.base_url).finished()

    assert after_restart == NOTHING_DONE | {"reconciled": 1, "sent": 1}
    assert received_once_each(twilio, [mobile])
    assert statuses(db) == {"sent": 1}
    assert sids_saved(db) == twilio.sids()


@pytest.mark.slow
def test_a_dispatcher_killed_after_twilio_accepted_the_text_records_it_without_sending_again(
    db, standin, dispatcher
):
    twilio = standin()
    twilio.plan(kind="hang", count=1, seconds=60)  # accepted and stored, then no answer
    [mobile] = due_texts(db, 1)
    first = dispatcher(twilio.base_url)
    eventually(lambda: twilio.received()["total"] == 1, within=20)
    first.kill()

    assert statuses(db) == {"sending": 1}
    assert dispatcher(twilio.base_url).finished() == NOTHING_DONE  # within the lease: left alone
    expire_the_sending_lease(db)
    after_restart = dispatcher(twilio.base_url).finished()

    assert after_restart == NOTHING_DONE | {"reconciled": 1}
    assert received_once_each(twilio, [mobile])
    assert statuses(db) == {"sent": 1}
    assert sids_saved(db) == twilio.sids()


@pytest.mark.slow
def test_a_delivery_reported_while_the_dispatcher_was_down_is_kept_when_the_text_is_reconciled(
    db, standin, dispatcher, callbacks
):
    twilio = standin()
    twilio.plan(kind="hang", count=1, seconds=60)
    due_texts(db, 1)
    first = dispatcher(twilio.base_url)
    eventually(lambda: twilio.received()["total"] == 1, within=20)
    first.kill()
    [sid] = twilio.sids().values()

    assert callbacks(sid, "sent") == callbacks(sid, "delivered") == 204  # no row knows the id yet
    expire_the_sending_lease(db)
    dispatcher(twilio.base_url).finished()

    assert statuses(db) == {"delivered": 1}
    assert list(sids_saved(db).values()) == [sid]
    waiting = select(func.count()).select_from(StatusEvent).where(StatusEvent.message_id.is_(None))
    assert db.session.scalar(waiting) == 0


@pytest.mark.slow
def test_two_dispatchers_restarting_together_after_a_crash_send_the_text_once(db, standin, door, dispatcher):
    twilio = standin(delay_ms=150)  # a slow list: both ask Twilio about the row before either settles it
    shut, mobile = killed_between_claim_and_send(db, twilio, door, dispatcher)
    shut.is_open.set()
    expire_the_sending_lease(db)

    one, other = dispatcher(shut.base_url), dispatcher(shut.base_url)
    done = Counter(one.finished()) + Counter(other.finished())

    assert (done["reconciled"], done["sent"]) == (1, 1)
    assert received_once_each(twilio, [mobile])
    assert statuses(db) == {"sent": 1}
    assert sids_saved(db) == twilio.sids()


@pytest.mark.slow
def test_two_dispatchers_on_one_database_send_each_of_1000_due_texts_once(db, standin, dispatcher):
    twilio = standin(delay_ms=40)  # so each has texts in flight while the other claims
    mobiles = due_texts(db, 1000)

    one, other = dispatcher(twilio.base_url), dispatcher(twilio.base_url)
    sent = [one.finished()["sent"], other.finished()["sent"]]

    assert min(sent) > 0 and sum(sent) == 1000
    assert received_once_each(twilio, mobiles)
    assert statuses(db) == {"sent": 1000}
    assert sids_saved(db) == twilio.sids()
