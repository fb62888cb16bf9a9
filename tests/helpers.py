"""Helpers shared by test files across packages (fixtures live in conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select


def at_hour(day: date, hour: int) -> datetime:
    """That day at that hour in UTC (the same day in London, winter or summer)."""
    return datetime.combine(day, time(hour), UTC)


def count(db, model) -> int:
    """How many rows the model's table holds."""
    return db.session.scalar(select(func.count()).select_from(model))


def last_entry_id(db) -> int:
    """The newest audit entry's id (0 for none), to read what a request wrote after it."""
    from tracker.audit import AuditEntry

    return db.session.scalar(select(func.max(AuditEntry.id))) or 0
