"""/healthz: is the database reachable, how old is the scheduler's heartbeat, and what its jobs last did.

/healthz is a liveness check: 200 while the database answers, whatever the scheduler does. /healthz/jobs
is for monitoring, never a load balancer: 503 when the sweep or the dispatch failed or is stale.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, jsonify
from sqlalchemy import select, text

from tracker.extensions import db
from tracker.jobs import job_report
from tracker.leadership import LEASE_NAME, SchedulerLease
from tracker.types import utcnow

NEVER_SEEN: dict[str, Any] = {"last_heartbeat_at": None, "age_seconds": None, "holder": None}


def scheduler_heartbeat() -> dict[str, Any]:
    """The scheduler's last heartbeat, its age in seconds and who wrote it; nulls when never seen."""
    row = db.session.execute(
        select(SchedulerLease.heartbeat_at, SchedulerLease.holder).where(SchedulerLease.name == LEASE_NAME)
    ).first()
    if row is None or row.heartbeat_at is None:
        return dict(NEVER_SEEN)
    age = round((utcnow() - row.heartbeat_at).total_seconds(), 1)
    return {"last_heartbeat_at": row.heartbeat_at.isoformat(), "age_seconds": age, "holder": row.holder}


def init_app(app: Flask) -> None:
    """Register /healthz."""

    @app.get("/healthz")
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
            database = "ok"
        except Exception:  # any failure to reach the database is the answer, not an error
            app.logger.exception("health check: database unreachable")
            database = "unreachable"
        healthy = database == "ok"
        # A stale heartbeat is reported for monitoring to judge, never failed: the web app works without it.
        scheduler = _heartbeat_or_nulls(app) if healthy else dict(NEVER_SEEN)
        body = {"status": "ok" if healthy else "unhealthy", "database": database, "scheduler": scheduler}
        body["jobs"] = _jobs_or_none(app) if healthy else None
        return jsonify(body), 200 if healthy else 503

    @app.get("/healthz/jobs")
    def healthz_jobs():
        jobs = _jobs_or_none(app)
        failing = jobs is None or any(j["failed"] or j["stale"] for j in jobs.values())
        return jsonify({"status": "failing" if failing else "ok", "jobs": jobs}), 503 if failing else 200


def _jobs_or_none(app: Flask) -> dict[str, Any] | None:
    """The jobs' last runs, or None when they cannot be read (a database down or not yet migrated)."""
    stale_after = timedelta(seconds=app.config["JOBS_STALE_TICKS"] * app.config["SCHEDULER_TICK_SECONDS"])
    try:
        return job_report(utcnow(), stale_after)
    except Exception:  # any failure to read them is the answer
        app.logger.exception("health check: cannot read the jobs' last runs")
        db.session.rollback()
        return None


def _heartbeat_or_nulls(app: Flask) -> dict[str, Any]:
    try:
        return scheduler_heartbeat()
    except Exception:  # a database not yet migrated has no heartbeat table: report none seen
        app.logger.exception("health check: cannot read the scheduler heartbeat")
        db.session.rollback()
        return dict(NEVER_SEEN)
