"""/healthz: is the database reachable, and how old is the scheduler's heartbeat."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from sqlalchemy import select, text

from tracker.extensions import db
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
        return jsonify(body), 200 if healthy else 503


def _heartbeat_or_nulls(app: Flask) -> dict[str, Any]:
    try:
        return scheduler_heartbeat()
    except Exception:  # a database not yet migrated has no heartbeat table: report none seen
        app.logger.exception("health check: cannot read the scheduler heartbeat")
        db.session.rollback()
        return dict(NEVER_SEEN)
