"""/healthz: is the database reachable, and how old is the scheduler's heartbeat."""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text

from tracker.extensions import db


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
        body = {"status": "ok" if healthy else "unhealthy", "database": database, "scheduler": None}
        return jsonify(body), 200 if healthy else 503
