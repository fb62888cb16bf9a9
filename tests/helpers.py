"""Helpers shared by test files across packages (fixtures live in conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time


def at_hour(day: date, hour: int) -> datetime:
    """That day at that hour in UTC (the same day in London, winter or summer)."""
    return datetime.combine(day, time(hour), UTC)
