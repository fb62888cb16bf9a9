"""The service's clock and its local calendar (Europe/London by default)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from tracker.types import utcnow


def zone() -> ZoneInfo:
    """The timezone every calendar day is counted in."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_today(now: datetime | None = None) -> date:
    """The calendar date in the service's timezone at `now` (default: this instant)."""
    return (now or utcnow()).astimezone(zone()).date()
