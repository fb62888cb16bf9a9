"""`flask scheduler run`: APScheduler in a process of its own, running jobs only while it leads.

One process leads at a time: on PostgreSQL it holds a session-level advisory lock on a connection
of its own; on SQLite it holds a lease row that it renews every tick. Others stand by, polling, and
take over within two ticks of the leader dying. Every job is idempotent, so a job that runs twice
around a handover changes nothing.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Connection, create_engine, or_, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from tracker.alerts.models import SchedulerLease
from tracker.alerts.sweep import sweep
from tracker.extensions import db
from tracker.types import utcnow

log = logging.getLogger("tracker.scheduler")

LEASE_NAME = "scheduler"
# Any bigint works so long as nothing else takes advisory locks with it in this database.
ADVISORY_LOCK_KEY = 7_316_735_105_007_001


def run_sweep() -> None:
    """Sweep as of now and log its counts (never whom they concern)."""
    result = sweep(utcnow())
    log.info("sweep: raised %d, moved %d, resolved %d", result.raised, result.moved, result.resolved)


def run_dispatch() -> None:
    """Send the texts that are due and log the counts (never to whom)."""
    from tracker.sms.dispatch import dispatch
    from tracker.sms.gateways import gateway_for

    result = dispatch(utcnow(), gateway_for(current_app))
    log.info(
        "dispatch: sent %d, retrying %d, failed %d, not sent %d, reconciled %d",
        result.sent,
        result.retrying,
        result.failed,
        result.skipped,
        result.reconciled,
    )


# What runs every tick while this process leads, by job id. Each job owns its transaction and must
# be idempotent: around a change of leader it may run twice.
LEADER_JOBS: dict[str, Callable[[], None]] = {"sweep": run_sweep, "dispatch": run_dispatch}


def _claim_row(holder: str, now: datetime, lease: timedelta, only_if_free: bool) -> bool:
    """Write holder, heartbeat and expiry to the lease row; with only_if_free, only if ours or expired."""
    values = {"holder": holder, "heartbeat_at": now, "expires_at": now + lease}
    claim = update(SchedulerLease).where(SchedulerLease.name == LEASE_NAME).values(**values)
    if only_if_free:
        lapsed = or_(SchedulerLease.expires_at.is_(None), SchedulerLease.expires_at < now)
        claim = claim.where(or_(SchedulerLease.holder == holder, lapsed))
    try:
        if db.session.execute(claim).rowcount == 0:
            if db.session.scalar(select(SchedulerLease.name).where(SchedulerLease.name == LEASE_NAME)):
                db.session.rollback()
                return False  # the row exists and someone else holds it
            db.session.add(SchedulerLease(name=LEASE_NAME, **values))
        db.session.commit()
    except IntegrityError:  # another process inserted the first row at the same moment
        db.session.rollback()
        return False
    return True


def _expire_row(app: Flask, holder: str) -> None:
    """Mark the row as no longer held by `holder`, if it was (should this fail, it simply expires)."""
    mine = (SchedulerLease.name == LEASE_NAME) & (SchedulerLease.holder == holder)
    with app.app_context(), suppress(SQLAlchemyError):
        db.session.execute(update(SchedulerLease).where(mine).values(expires_at=utcnow()))
        db.session.commit()


class Leadership(Protocol):
    """Who is the active scheduler: taken by one process, renewed every tick, given up on exit."""

    def acquire(self) -> bool: ...
    def renew(self) -> bool: ...
    def held(self) -> bool: ...
    def release(self) -> None: ...


class SqliteLease:
    """Leadership as the lease row: taken with a conditional UPDATE, lost when it expires unrenewed."""

    def __init__(self, app: Flask, holder: str, lease: timedelta) -> None:
        self.app, self.holder, self.lease = app, holder, lease
        self.until: datetime | None = None

    def acquire(self) -> bool:
        """Take the lease if it is ours or has expired; also writes the heartbeat."""
        now = utcnow()
        try:
            with self.app.app_context():
                taken = _claim_row(self.holder, now, self.lease, only_if_free=True)
        except SQLAlchemyError:
            # "database is locked" and the like: the lease we hold is still ours until it expires.
            log.warning("could not renew the lease; it holds until %s", self.until, exc_info=True)
            return self.held()
        self.until = now + self.lease if taken else None
        return taken

    renew = acquire

    def held(self) -> bool:
        """Whether our lease has not yet expired (no one can take it before then)."""
        return self.until is not None and utcnow() < self.until

    def release(self) -> None:
        """Expire our lease now, so a standby takes over at its next poll rather than after two ticks."""
        self.until = None
        _expire_row(self.app, self.holder)


class PostgresAdvisoryLock:
    """Leadership as a session-level advisory lock on a dedicated connection, outside the jobs' pool."""

    def __init__(self, app: Flask, holder: str, lease: timedelta) -> None:
        self.app, self.holder, self.lease = app, holder, lease
        # Keepalives notice a vanished server on this idle connection; the name is for pg_stat_activity.
        options = {"application_name": "tracker-scheduler", "keepalives": 1, "keepalives_idle": 30}
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.engine = create_engine(url, poolclass=NullPool, connect_args=options)
        self.connection: Connection | None = None
        self.mutex = threading.Lock()  # the lock connection is shared by the job threads

    def acquire(self) -> bool:
        """Try the advisory lock once (never waits); on success write the first heartbeat."""
        with self.mutex:
            try:
                if self.connection is None:
                    self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                try_lock = text("SELECT pg_try_advisory_lock(:key)")
                taken = bool(self.connection.scalar(try_lock, {"key": ADVISORY_LOCK_KEY}))
            except SQLAlchemyError:
                log.warning("could not reach PostgreSQL for the scheduler lock", exc_info=True)
                self._drop_connection()
                return False
        return taken and self.renew()

    def renew(self) -> bool:
        """Check the lock is still ours and write the heartbeat; a failed heartbeat alone loses nothing."""
        if not self.held():
            return False
        try:
            with self.app.app_context():
                _claim_row(self.holder, utcnow(), self.lease, only_if_free=False)
        except SQLAlchemyError:
            log.warning("could not write the scheduler heartbeat", exc_info=True)
        return True

    def held(self) -> bool:
        """Whether the lock connection is alive: the session-level lock lasts exactly as long as it."""
        with self.mutex:
            if self.connection is None:
                return False
            try:
                self.connection.execute(text("SELECT 1"))
                return True
            except SQLAlchemyError:
                self._drop_connection()
                return False

    def release(self) -> None:
        """Close the lock connection, which releases the lock, and say so on the heartbeat row."""
        with self.mutex:
            self._drop_connection()
        self.engine.dispose()
        _expire_row(self.app, self.holder)

    def _drop_connection(self) -> None:
        if self.connection is not None:
            with suppress(SQLAlchemyError):  # a connection already gone is what we wanted
                self.connection.close()
            self.connection = None


class SchedulerProcess:
    """Stand by until leader, run the jobs while leading, stand by again if leadership is lost."""

    def __init__(self, app: Flask, tick: float, poll: float) -> None:
        self.app, self.tick, self.poll = app, tick, poll
        self.holder = f"{socket.gethostname()}:{os.getpid()}"[:100]
        # Death to takeover is at most the lease plus a poll: within two ticks with a poll to spare for
        # slow queries, while a leader renewing every tick still has a tick less two polls in hand.
        lease = timedelta(seconds=2 * tick - 2 * poll)
        kind = PostgresAdvisoryLock if db.engine.dialect.name == "postgresql" else SqliteLease
        self.leadership: Leadership = kind(app, self.holder, lease)

    def run(self) -> None:
        """Run until the process is stopped; always give up leadership on the way out."""
        try:
            while True:
                if not self.leadership.acquire():
                    log.info("standing by as %s", self.holder)
                    while not self.leadership.acquire():
                        time.sleep(self.poll)
                log.info("became leader as %s", self.holder)
                self._lead()
                log.warning("lost leadership as %s; standing by", self.holder)
        finally:
            self.leadership.release()
            log.info("stopped as %s", self.holder)

    def _lead(self) -> None:
        """Run the jobs on a fresh scheduler until a job finds leadership lost and stops it."""
        zone = ZoneInfo(self.app.config["TIMEZONE"])
        scheduler = BlockingScheduler(
            timezone=zone,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(1, int(self.tick)),
            },
        )
        scheduler.add_job(self._heartbeat, "interval", seconds=self.tick, id="heartbeat", args=[scheduler])
        for job_id, job in LEADER_JOBS.items():
            # The first run is now: a new leader catches up at once on what fell due while none led.
            scheduler.add_job(
                self._run_if_leader,
                "interval",
                seconds=self.tick,
                id=job_id,
                args=[scheduler, job],
                next_run_time=datetime.now(zone),
            )
        try:
            scheduler.start()
        finally:
            _stop(scheduler)

    def _heartbeat(self, scheduler: BlockingScheduler) -> None:
        if not self.leadership.renew():
            _stop(scheduler)

    def _run_if_leader(self, scheduler: BlockingScheduler, job: Callable[[], None]) -> None:
        if not self.leadership.held():
            _stop(scheduler)
            return
        with self.app.app_context():
            job()


def _stop(scheduler: BlockingScheduler) -> None:
    """Stop the scheduler without waiting for running jobs; they are idempotent and finish alone."""
    with suppress(SchedulerNotRunningError):  # two jobs noticed at once
        scheduler.shutdown(wait=False)


scheduler_cli = AppGroup("scheduler", help="The process that runs the sweep every tick.")


@scheduler_cli.command("run")
@click.option("--tick", type=float, help="Seconds between sweeps (default SCHEDULER_TICK_SECONDS or 60).")
@click.option("--poll", type=float, help="Seconds between a standby's tries (SCHEDULER_POLL_SECONDS or 5).")
def run_command(tick: float | None, poll: float | None) -> None:
    """Run the scheduler: the sweep every tick while this process is the one leader."""
    tick = tick or current_app.config.get("SCHEDULER_TICK_SECONDS", 60)
    poll = poll or min(current_app.config.get("SCHEDULER_POLL_SECONDS", 5), tick / 4)
    if not 0 < 2 * poll < tick:
        raise click.BadParameter("two polls must fit in a tick", param_hint="--poll")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per job run
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    SchedulerProcess(current_app._get_current_object(), tick, poll).run()  # type: ignore[attr-defined]


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """Unwind like Ctrl-C, so the leader gives up its lock or lease instead of leaving it to expire."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the release short
    sys.exit(0)


def init_app(app: Flask) -> None:
    """Register `flask scheduler run`; it never starts the scheduler."""
    app.cli.add_command(scheduler_cli)
