"""`flask scheduler run`: APScheduler in a process of its own, running the sweep and the dispatch
only while it leads.

Others stand by, polling, and take over within two ticks of the leader dying or freezing
(tracker/leadership.py). The jobs check the lease's fencing token before they send or commit, so a
leader that wakes up after losing the lease does nothing; and every job is idempotent, so a job that
runs twice around a handover changes nothing. Nothing starts this from create_app: every web worker
would run it.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import AppGroup

from tracker.alerts.sweep import sweep
from tracker.extensions import db
from tracker.jobs import recorded
from tracker.leadership import Fence, Leadership, LeadershipLost, Lease, end_idle_transactions_after
from tracker.sms.dispatch import dispatch
from tracker.sms.gateways import gateway_for
from tracker.types import utcnow

log = logging.getLogger("tracker.scheduler")


@recorded("sweep")  # when, how long, whether it failed: for /healthz and /healthz/jobs
def run_sweep(fence: Fence) -> None:
    """Sweep as of now and log its counts (never whom they concern)."""
    result = sweep(utcnow(), fence=fence)
    log.info("sweep: raised %d, moved %d, resolved %d", result.raised, result.moved, result.resolved)


@recorded("dispatch")
def run_dispatch(fence: Fence) -> None:
    """Send the texts that are due and log the counts (never to whom)."""
    result = dispatch(utcnow(), gateway_for(current_app), fence=fence)
    log.info(
        "dispatch: sent %d, retrying %d, failed %d, not sent %d, reconciled %d",
        result.sent,
        result.retrying,
        result.failed,
        result.skipped,
        result.reconciled,
    )


# What runs every tick while this process leads, by job id. Each job owns its transaction, calls the
# fence before it sends or commits, and must be idempotent: around a change of leader it may run twice.
LEADER_JOBS: dict[str, Callable[[Fence], None]] = {"sweep": run_sweep, "dispatch": run_dispatch}


class SchedulerProcess:
    """Stand by until leader, run the jobs while leading, stand by again if leadership is lost."""

    def __init__(self, app: Flask, tick: float, poll: float) -> None:
        self.app, self.tick, self.poll = app, tick, poll
        self.holder = f"{socket.gethostname()}:{os.getpid()}"[:100]
        # Death to takeover is at most the lease plus a poll: within two ticks with a poll to spare for
        # slow queries, while a leader renewing every tick still has a tick less two polls in hand.
        lease = timedelta(seconds=2 * tick - 2 * poll)
        self.leadership: Leadership = Lease(app, self.holder, lease)
        self.fence = Fence(app, self.leadership)
        end_idle_transactions_after(tick)  # a frozen leader's open transaction must not stall the next

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

    def _run_if_leader(self, scheduler: BlockingScheduler, job: Callable[[Fence], None]) -> None:
        if not self.leadership.held():
            _stop(scheduler)
            return
        with self.app.app_context():
            try:
                job(self.fence)
            except LeadershipLost:
                db.session.rollback()  # nothing this job did is committed: another process leads now
                log.warning("%s: the lease was lost mid-job; nothing of it was committed", job.__name__)
                _stop(scheduler)


def _stop(scheduler: BlockingScheduler) -> None:
    """Stop the scheduler without waiting for running jobs; they are idempotent and finish alone."""
    with suppress(SchedulerNotRunningError):  # two jobs noticed at once
        scheduler.shutdown(wait=False)


scheduler_cli = AppGroup("scheduler", help="The process that runs the sweep and the dispatch every tick.")


@scheduler_cli.command("run")
@click.option("--tick", type=float, help="Seconds between sweeps (default SCHEDULER_TICK_SECONDS or 60).")
@click.option("--poll", type=float, help="Seconds between a standby's tries (SCHEDULER_POLL_SECONDS or 5).")
def run_command(tick: float | None, poll: float | None) -> None:
    """Run the scheduler: the sweep and the dispatch every tick while this process is the one leader."""
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
