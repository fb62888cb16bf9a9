"""Which scheduler process leads: a lease row with a fencing token, on both databases, and its heartbeat.

One process leads at a time: it holds the lease row, renewed every tick with a conditional UPDATE
(only if the lease is still ours or has lapsed). Whoever takes the row over from another holder, or
after it lapsed, increments its token. A leader that stops renewing (killed, frozen, cut off) loses the
lease when it expires, and a `Fence` checks holder and token before anything the leader sends or
commits, so a leader that wakes up after losing it does nothing. The row keeps the heartbeat /healthz
reports.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Protocol

from flask import Flask, has_app_context
from sqlalchemy import BigInteger, String, case, event, false, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model, db, hold_transaction
from tracker.types import UTCDateTime, utcnow

log = logging.getLogger("tracker.scheduler")

LEASE_NAME = "scheduler"


class SchedulerLease(Model):
    """Which scheduler process is active, its fencing token and its last heartbeat (one row per name)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(100))
    # Incremented at every change of holder, and never otherwise, so an old leader's token never matches.
    token: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LeadershipLost(Exception):
    """This process no longer holds the lease: what it was doing must be neither sent nor committed."""


def _claim_row(holder: str, token: int | None, lease: timedelta) -> tuple[int | None, datetime]:
    """Take or renew the lease if it is ours (same holder and token) or has lapsed; the token (None if
    another holds it) and the instant the lease now runs from."""
    row = SchedulerLease
    hold_transaction()  # SQLite's write lock, and on PostgreSQL the row's lock, before reading the clock:
    exists = db.session.scalar(select(row.name).where(row.name == LEASE_NAME).with_for_update())
    now = utcnow()  # so a wait for either lock never shortens the lease it writes
    values = {"holder": holder, "heartbeat_at": now, "expires_at": now + lease}
    ours = (row.holder == holder) & (row.token == token) if token is not None else false()
    lapsed = row.expires_at.is_(None) | (row.expires_at < now)
    claim = (
        update(row)
        .where(row.name == LEASE_NAME, ours | lapsed)
        .values(token=case((ours, row.token), else_=row.token + 1), **values)
        .returning(row.token)
        .execution_options(synchronize_session=False)
    )
    try:
        if exists is None:
            taken: int | None = 1
            db.session.add(SchedulerLease(name=LEASE_NAME, token=taken, **values))
        else:
            taken = db.session.execute(claim).scalar()
        db.session.commit()
    except IntegrityError:  # another process inserted the first row at the same moment
        taken = None
    if taken is None:
        db.session.rollback()  # someone else holds it
    return taken, now


class Leadership(Protocol):
    """Who is the active scheduler: taken by one process, renewed every tick, given up on exit."""

    holder: str
    token: int | None

    def acquire(self) -> bool: ...
    def renew(self) -> bool: ...
    def held(self) -> bool: ...
    def release(self) -> None: ...


class Lease:
    """Leadership as the lease row: taken with a conditional UPDATE, lost when it expires unrenewed."""

    def __init__(self, app: Flask, holder: str, lease: timedelta) -> None:
        self.app, self.holder, self.lease = app, holder, lease
        self.token: int | None = None
        self.until: datetime | None = None

    def acquire(self) -> bool:
        """Take the lease if it is ours or has lapsed; also writes the heartbeat."""
        try:
            with self.app.app_context():
                token, now = _claim_row(self.holder, self.token, self.lease)
        except SQLAlchemyError:
            # "database is locked" and the like: the lease we hold is still ours until it expires.
            log.warning("could not renew the lease; it holds until %s", self.until, exc_info=True)
            return self.held()
        self.token, self.until = token, (now + self.lease if token is not None else None)
        return token is not None

    renew = acquire

    def held(self) -> bool:
        """Whether our lease has not yet expired by our own clock (no one can take it before then)."""
        return self.until is not None and utcnow() < self.until

    def release(self) -> None:
        """Expire our lease now, so a standby takes over at its next poll rather than after two ticks."""
        token, self.token, self.until = self.token, None, None
        if token is None:
            return
        row = SchedulerLease
        mine = (row.name == LEASE_NAME) & (row.holder == self.holder) & (row.token == token)
        with self.app.app_context(), suppress(SQLAlchemyError):  # should this fail, it simply expires
            db.session.execute(update(row).where(mine).values(expires_at=utcnow()))
            db.session.commit()


class Fence:
    """The leader's token, checked where its work would leave a mark: a claim, a send, a commit.

    Called inside a job's transaction, the check reads the lease row in that transaction (FOR SHARE
    on PostgreSQL, and SQLite's write lock is already held after the job's writes), so no takeover can
    slip between the check and the commit. Called outside an app context (a sending thread), it asks
    on a connection of its own.
    """

    def __init__(self, app: Flask, leadership: Leadership) -> None:
        self.app, self.leadership = app, leadership

    def still_leader(self) -> bool:
        """Whether the lease row still names us, with our token, unexpired: one SELECT by primary key."""
        token = self.leadership.token
        if token is None:
            return False
        if not has_app_context():
            with self.app.app_context():
                return self.still_leader()
        query = select(SchedulerLease.holder, SchedulerLease.token, SchedulerLease.expires_at)
        query = query.where(SchedulerLease.name == LEASE_NAME)
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(read=True)
        row = db.session.execute(query).first()
        return (
            row is not None
            and (row.holder, row.token) == (self.leadership.holder, token)
            and row.expires_at is not None
            and utcnow() < row.expires_at
        )

    def __call__(self) -> None:
        """Raise LeadershipLost unless this process still leads."""
        if not self.still_leader():
            raise LeadershipLost(f"the scheduler lease is no longer held with token {self.leadership.token}")


def end_idle_transactions_after(seconds: float) -> None:
    """On PostgreSQL, let the server end any of this process's transactions left idle for `seconds`.

    A frozen leader must not keep row locks (the lease row's FOR SHARE, alerts it was inserting) that
    would stall the leader that took over; its transaction is rolled back and it is fenced off anyway.
    """
    if db.engine.dialect.name != "postgresql":
        return

    @event.listens_for(db.engine, "connect")
    def _set_timeout(dbapi_connection, connection_record) -> None:  # noqa: ANN001
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # a SET inside a transaction would be rolled back with it
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET idle_in_transaction_session_timeout = {max(1, int(seconds * 1000))}")
        dbapi_connection.autocommit = autocommit

    db.engine.dispose()  # connections opened before now lack the setting
