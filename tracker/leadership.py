"""Which scheduler process leads: a lease row, or an advisory lock on PostgreSQL, and its heartbeat.

One process leads at a time: on PostgreSQL it holds a session-level advisory lock on a connection
of its own; on SQLite it holds a lease row that it renews every tick. Either way the row keeps the
leader's heartbeat, which /healthz reports.
"""

from __future__ import annotations

import logging
import threading
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Protocol

from flask import Flask
from sqlalchemy import Connection, String, create_engine, or_, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.pool import NullPool

from tracker.extensions import db
from tracker.types import UTCDateTime, utcnow

log = logging.getLogger("tracker.scheduler")

LEASE_NAME = "scheduler"
# Any bigint works so long as nothing else takes advisory locks with it in this database.
ADVISORY_LOCK_KEY = 7_316_735_105_007_001


class SchedulerLease(db.Model):
    """Which scheduler process is active and its last heartbeat (one row per lease name)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


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
