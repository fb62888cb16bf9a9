"""The service's clock and its local calendar (Europe/London by default)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import click
from flask import current_app

from tracker.types import utcnow


def zone() -> ZoneInfo:
    """The timezone every calendar day is counted in."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_today(now: datetime | None = None) -> date:
    """The calendar date in the service's timezone at `now` (default: this instant)."""
    return (now or utcnow()).astimezone(zone()).date()


def parse_instant(value: str | None) -> datetime:
    """A command's `--at`: an ISO-8601 instant (a date alone means its start in UTC); now when left out."""
    if not value:
        return utcnow()
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO-8601 date or instant.") from None
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant
