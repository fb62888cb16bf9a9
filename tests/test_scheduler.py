"""tracker/scheduler.py: one active process, each alert raised once, handover on SIGKILL, heartbeat."""

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
from sqlalchemy import func, select, text

from tracker.alerts.models import Alert
from tracker.leadership import ADVISORY_LOCK_KEY, LEASE_NAME, SchedulerLease, SqliteLease
from tracker.types import utcnow

ROOT = Path(__file__).resolve().parents[1]
TICK, POLL = 2.0, 0.25  # seconds: the minute's tick scaled down so a test sees several
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
    eventually(lambda: "became leader" in a.log() + b.log() and "standing by" in a.log() + b.log(), within=15)
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
    eventually(lambda: holder(db) == first.holder and first.sweeps_raised(), within=15)
    second = start_scheduler()
    eventually(lambda: "standing by" in second.log(), within=15)
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
    eventually(lambda: holder(db) == first.holder, within=15)
    second = start_scheduler()
    eventually(lambda: "standing by" in second.log(), within=15)

    first.process.send_signal(signal.SIGTERM)
    assert first.process.wait(timeout=5) == 0 and "stopped as" in first.log()
    given_up = lease(db)

    assert given_up.holder == second.holder or given_up.expires_at <= utcnow()  # not left to expire
    eventually(lambda: holder(db) == second.holder, within=4 * POLL + 1)


@pytest.mark.slow
@on_postgresql
def test_on_postgresql_the_leader_holds_the_advisory_lock_on_a_connection_of_its_own(db, start_scheduler):
    leader = start_scheduler()
    eventually(lambda: holder(db) == leader.holder, within=15)

    lockers = (
        db.session.execute(
            text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND (l.classid::bigint << 32) + l.objid::bigint = :key AND l.database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"key": ADVISORY_LOCK_KEY},
        )
        .scalars()
        .all()
    )

    assert lockers == ["tracker-scheduler"]


@on_sqlite
def test_on_sqlite_a_lease_is_taken_only_when_free_or_expired(app):
    short = timedelta(seconds=0.3)
    first, second = SqliteLease(app, "first", short), SqliteLease(app, "second", short)

    assert first.acquire() and not second.acquire()
    assert first.renew() and first.held()
    time.sleep(0.4)
    assert not first.held() and second.acquire()
    assert not first.renew()


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
    eventually(lambda: holder(db) == scheduler.holder, within=15)
    first_heartbeat = lease(db).heartbeat_at
    eventually(lambda: lease(db).heartbeat_at > first_heartbeat, within=2 * TICK)

    reported = client.get("/healthz").json["scheduler"]

    assert reported["holder"] == scheduler.holder
    assert reported["last_heartbeat_at"] > first_heartbeat.isoformat()
    assert 0 <= reported["age_seconds"] <= TICK
