"""What the scheduler's jobs last did: when each ran, how long it took and whether it failed.

/healthz reports it and /healthz/jobs answers 503 when a job failed or has not run for a few ticks,
for monitoring (a load balancer must never act on it: the web app works without the scheduler).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, ParamSpec

from sqlalchemy import Boolean, Float, String, select
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model, db
from tracker.leadership import LeadershipLost
from tracker.types import UTCDateTime, utcnow

log = logging.getLogger("tracker.jobs")
JOBS = ("sweep", "dispatch")
P = ParamSpec("P")


class JobRun(Model):
    """The last run of one job (one row per job, overwritten by each run)."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seconds: Mapped[float] = mapped_column(Float)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The exception's type alone: its message may quote the data.
    error: Mapped[str | None] = mapped_column(String(100))


def recorded(name: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Keep each run's start, length and outcome in job_runs; a failure is kept, then raised again."""

    def wrap(job: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(job)
        def run(*args: P.args, **kwargs: P.kwargs) -> None:
            started, clock = utcnow(), time.monotonic()
            try:
                job(*args, **kwargs)
            except LeadershipLost:
                # A deposed leader's run is not a failure of the job: the new leader runs it.
                db.session.rollback()
                raise
            except Exception as error:
                db.session.rollback()
                _save(name, started, time.monotonic() - clock, type(error).__name__)
                raise
            _save(name, started, time.monotonic() - clock, None)

        return run

    return wrap


def _save(name: str, started: datetime, seconds: float, error: str | None) -> None:
    try:
        run = db.session.get(JobRun, name) or JobRun(name=name)
        run.started_at, run.finished_at, run.seconds = started, utcnow(), round(seconds, 3)
        run.failed, run.error = error is not None, error
        db.session.add(run)
        db.session.commit()
    except Exception:  # keeping the record must never hide the job's own outcome
        db.session.rollback()
        log.exception("could not record the %s job's run", name)


def job_report(now: datetime, stale_after: timedelta) -> dict[str, dict[str, Any]]:
    """Each job's last run: when, how long, whether it failed, and whether it is stale (none since
    `stale_after`, or never run)."""
    runs = {r.name: r for r in db.session.scalars(select(JobRun).where(JobRun.name.in_(JOBS)))}
    report = {}
    for name in JOBS:
        run = runs.get(name)
        report[name] = {
            "last_run_at": run.finished_at.isoformat() if run else None,
            "seconds": run.seconds if run else None,
            "failed": run.failed if run else None,
            "error": run.error if run else None,
            "stale": run is None or run.finished_at < now - stale_after,
        }
    return report
