"""tracker/scheduler.py and leadership.py: one active process, each alert raised once, handover on
SIGKILL and SIGSTOP, a fencing token that stops a deposed leader sending or committing, heartbeat."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.sms.test_faults import AT, due_texts
from tracker.alerts.models import Alert
from tracker.alerts.sweep import sweep
from tracker.leadership import LEASE_NAME, Fence, LeadershipLost, Lease, SchedulerLease
from tracker.sms.dispatch import dispatch
from tracker.sms.gateways import OutboxGateway, SendResult
from tracker.sms.models import Message
from tracker.types import utcnow

ROOT = Path(__file__).resolve().parents[1]
TICK, POLL = 2.0, 0.25  # seconds: the minute's tick scaled down so a test sees several
STARTUP = 90  # seconds a process may take to start and lead on a loaded machine
SHORT_LEASE = 1.5  # seconds: long enough for two claims in a row on a loaded machine
IS_POSTGRES = (os.environ.get("TEST_DATABASE_URL") or "").startswith(("postgres://", "postgresql"))
on_postgresql = pytest.mark.skipif(not IS_POSTGRES, reason="TEST_DATABASE_URL is not PostgreSQL")
on_sqlite = pytest.mark.skipif(IS_POSTGRES, reason="TEST_DATABASE_URL is PostgreSQL")


@dataclass
class Scheduler:
    """One `flask scheduler run` process and its log."""

    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def holder(self) -> str:
        return f"{socket.gethostname()}:{self.process.pid}"

    def log(self) -> str:
        return self.log_path.read_text()

    def sweeps_raised(self) -> list[int]:
        return [int(n) for n in re.findall(r"sweep: raised (\d+)", self.log())]


def eventually(condition: Callable[[], object], within: float) -> float:
    """Wait until condition() is true; return how long it took, or fail after `within` seconds."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < within, f"not within {within} s"
        time.sleep(0.05)
    return time.monotonic() - start


@pytest.fixture
def start_scheduler(app, database_url, tmp_path) -> Iterator[Callable[[], Scheduler]]:
    """start_scheduler(): a scheduler process on the test database with a short tick, killed at teardown."""
    urls = {"TEST_DATABASE_URL": database_url, "DATABASE_URL": database_url}
    env = os.environ | {"TRACKER_ENV": "test"} | urls
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "wsgi",
        "scheduler",
        "run",
        f"--tick={TICK}",
        f"--poll={POLL}",
    ]
    started: list[Scheduler] = []

    def start() -> Scheduler:
        log_path = tmp_path / f"scheduler-{len(started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append(Scheduler(process, log_path))
        return started[-1]

    try:
        yield start
    finally:  # before the app fixture empties the tables under them
        for scheduler in started:
            scheduler.process.kill()
            scheduler.process.wait(timeout=10)
            print(f"--- scheduler {scheduler.holder}\n{scheduler.log()}")  # shown when the test fails


def lease(db) -> SchedulerLease | None:
    """The scheduler row as the database has it now."""
    row = db.session.execute(select(SchedulerLease).where(SchedulerLease.name == LEASE_NAME)).scalar()
    if row is not None:
        db.session.expunge(row)
    db.session.rollback()  # hold no snapshot or lock while the processes write
    return row


def holder(db) -> str | None:
    row = lease(db)
    return row.holder if row else None


@pytest.fixture
def person_leaving_custody(make_staff, make_team, api_as, make_person):
    """A person in custody released in 10 days: the first sweep raises their earlier checkpoints."""
    om = make_staff("offender_manager")
    prison = make_team("HMP Bristol", "prison", "BCI")
    person = make_person(om)
    today = utcnow().date()
    response = api_as(om).post(
        f"/people/{person['id']}/stages",
        {
            "kind": "custody",
            "start_on": str(today - timedelta(days=30)),
            "basis": "sentenced",
            "establishment_team_id": prison.id,
            "sentence_start_on": str(today - timedelta(days=30)),
            "release_dates": {"crd": str(today + timedelta(days=10))},
        },
    )
    assert response.status_code == 201, response.json
    return person


def alert_count(db) -> int:
    count = db.session.scalar(select(func.count()).select_from(Alert))
    db.session.rollback()
    return count


def keys_raised_twice(db) -> list:
    rows = db.session.execute(
        select(Alert.rule, Alert.subject_type, Alert.subject_id, Alert.checkpoint_on)
        .group_by(Alert.rule, Alert.subject_type, Alert.subject_id, Alert.checkpoint_on)
        .having(func.count() > 1)
    ).all()
    db.session.rollback()
    return rows


@pytest.mark.slow
@pytest.mark.usefixtures("person_leaving_custody")
def test_two_schedulers_leave_exactly_one_active_and_raise_each_alert_once(db, start_scheduler):
    a, b = start_scheduler(), start_scheduler()
    eventually(
        lambda: "became leader" in a.log() + b.log() and "standing by" in a.log() + b.log(), within=STARTUP
    )
    leader, standby = (a, b) if "became leader" in a.log() else (b, a)
    first_heartbeat = lease(db).heartbeat_at

    holders, deadline = set(), time.monotonic() + 4 * TICK
    while time.monotonic() < deadline:
        holders.add(holder(db))
        time.sleep(POLL / 2)

    assert holders == {leader.holder}
    assert lease(db).heartbeat_at > first_heartbeat
    assert "became leader" not in standby.log() and standby.sweeps_raised() == []
    first, *later = leader.sweeps_raised()
    assert len(later) >= 2 and set(later) == {0}
    assert first > 0 and alert_count(db) == first
    assert keys_raised_twice(db) == []


@pytest.mark.slow
@pytest.mark.usefixtures("person_leaving_custody")
def test_killing_the_active_scheduler_hands_over_to_the_standby_within_two_ticks(db, start_scheduler):
    first = start_scheduler()
    eventually(lambda: holder(db) == first.holder and first.sweeps_raised(), within=STARTUP)
    second = start_scheduler()
    eventually(lambda: "standing by" in second.log(), within=STARTUP)
    raised = alert_count(db)

    first.process.send_signal(signal.SIGKILL)
    taken_over_in = eventually(lambda: holder(db) == second.holder, within=4 * TICK)

    assert taken_over_in <= 2 * TICK
    eventually(lambda: second.sweeps_raised(), within=2 * TICK)
    assert second.sweeps_raised()[0] == 0 and alert_count(db) == raised
    assert keys_raised_twice(db) == []


@pytest.mark.slow
def test_a_stopped_scheduler_gives_up_leadership_at_once(db, start_scheduler):
    first = start_scheduler()
    eventually(lambda: holder(db) == first.holder, within=STARTUP)
    second = start_scheduler()
    eventually(lambda: "standing by" in second.log(), within=STARTUP)

    first.process.send_signal(signal.SIGTERM)
    assert first.process.wait(timeout=5) == 0 and "stopped as" in first.log()
    given_up = lease(db)

    assert given_up.holder == second.holder or given_up.expires_at <= utcnow()  # not left to expire
    eventually(lambda: holder(db) == second.holder, within=4 * POLL + 1)


@pytest.mark.slow
@pytest.mark.usefixtures("person_leaving_custody")
def test_a_frozen_leader_loses_the_lease_within_three_ticks_and_does_nothing_when_it_wakes(
    db, start_scheduler
):
    first = start_scheduler()
    eventually(lambda: holder(db) == first.holder and first.sweeps_raised(), within=STARTUP)
    second = start_scheduler()
    eventually(lambda: "standing by" in second.log(), within=STARTUP)
    raised, sweeps_before = alert_count(db), first.sweeps_raised()

    first.process.send_signal(signal.SIGSTOP)
    try:
        frozen = lease(db)  # its last heartbeat: a frozen process writes nothing more
        seen: list[SchedulerLease] = []
        eventually(lambda: seen.append(lease(db)) or seen[-1].holder == second.holder, within=30 * TICK)
        eventually(lambda: second.sweeps_raised(), within=30 * TICK)
    finally:
        first.process.send_signal(signal.SIGCONT)
    eventually(lambda: "lost leadership" in first.log(), within=30 * TICK)
    for _ in range(2):  # two more of the new leader's ticks, counted by its heartbeats
        beat = lease(db).heartbeat_at
        eventually(lambda: lease(db).heartbeat_at > beat, within=30 * TICK)  # noqa: B023

    taken = seen[-1]  # the first row seen in the standby's name: its claim (or at most one renewal on)
    assert frozen.holder == first.holder and taken.token == frozen.token + 1
    assert taken.heartbeat_at - frozen.heartbeat_at <= timedelta(seconds=3 * TICK)
    now = lease(db)
    assert (now.holder, now.token) == (second.holder, taken.token)
    assert first.sweeps_raised() == sweeps_before and first.log().count("became leader") == 1
    assert alert_count(db) == raised and keys_raised_twice(db) == []


def test_a_lease_is_taken_only_when_free_or_expired_and_each_new_holder_gets_a_higher_token(app):
    short = timedelta(seconds=SHORT_LEASE)
    first, second = Lease(app, "first", short), Lease(app, "second", short)

    assert first.acquire() and not second.acquire()
    taken_with = first.token
    assert first.renew() and first.held() and first.token == taken_with
    time.sleep(SHORT_LEASE + 0.1)
    assert not first.held() and second.acquire() and second.token == taken_with + 1
    assert not first.renew() and first.token is None


@pytest.fixture
def deposed(app, db) -> Fence:
    """The fence of a leader whose lease lapsed and was taken over, as the leader finds it on waking."""
    old, new = Lease(app, "old", timedelta(seconds=SHORT_LEASE)), Lease(app, "new", timedelta(minutes=5))
    assert old.acquire()
    fence = Fence(app, old)
    fence()  # passes while it leads
    db.session.rollback()  # the check's FOR SHARE would hold off the takeover below
    time.sleep(SHORT_LEASE + 0.1)
    assert new.acquire()
    return fence


@pytest.mark.usefixtures("person_leaving_custody")
def test_a_leader_that_lost_its_lease_commits_no_sweep(db, deposed):
    with pytest.raises(LeadershipLost):
        sweep(utcnow(), fence=deposed)
    db.session.rollback()

    assert alert_count(db) == 0
    assert sweep(utcnow()).raised > 0  # the CLI's sweep, without a fence, had alerts to raise


class CountingGateway(OutboxGateway):
    """The outbox gateway, keeping every text handed to it."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, to: str, body: str) -> SendResult:
        self.sent.append(to)
        return super().send(to, body)


# The fence's checks, in the order one dispatch of one due text makes them.
CHECKS = ["reconcile's commit", "claim's commit", "provider call", "marking sent"]


@pytest.mark.parametrize("lost_at", CHECKS)
def test_a_leader_that_lost_its_lease_sends_and_marks_nothing_after(db, deposed, lost_at):
    due_texts(db, 1)
    gateway, checks = CountingGateway(), []

    def fence() -> None:  # leads until the check `lost_at`, deposed from then on
        checks.append(CHECKS[len(checks)])
        if checks[-1] == lost_at:
            deposed()

    with pytest.raises(LeadershipLost):
        dispatch(AT, gateway, fence=fence)
    db.session.rollback()

    sent_before_losing = CHECKS.index(lost_at) > CHECKS.index("provider call")
    assert len(gateway.sent) == int(sent_before_losing)
    status = db.session.scalar(select(Message.status))
    assert status == ("sending" if CHECKS.index(lost_at) > 1 else "pending")  # "sending": reconciled later
    db.session.rollback()


def test_healthz_says_the_heartbeat_was_never_seen(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json["scheduler"] == {"last_heartbeat_at": None, "age_seconds": None, "holder": None}


def test_healthz_reports_a_stale_heartbeat_and_stays_200(client, db):
    an_hour_ago = utcnow() - timedelta(hours=1)
    db.session.add(SchedulerLease(name=LEASE_NAME, holder="host:1", heartbeat_at=an_hour_ago))
    db.session.commit()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json["scheduler"]["holder"] == "host:1"
    assert 3600 <= response.json["scheduler"]["age_seconds"] < 3700


@pytest.mark.slow
def test_healthz_reports_the_heartbeat_after_a_tick(client, db, start_scheduler):
    scheduler = start_scheduler()
    eventually(lambda: holder(db) == scheduler.holder, within=STARTUP)
    first_heartbeat = lease(db).heartbeat_at
    eventually(lambda: lease(db).heartbeat_at > first_heartbeat, within=2 * TICK)

    reported = client.get("/healthz").json["scheduler"]

    assert reported["holder"] == scheduler.holder
    assert reported["last_heartbeat_at"] > first_heartbeat.isoformat()
    assert 0 <= reported["age_seconds"] <= TICK
