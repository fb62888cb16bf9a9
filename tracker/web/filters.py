"""How dates, times and the domain's words read on a page (GOV.UK style: 3 March 2026, 10:30am)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from tracker.clock import zone
from tracker.web import labels


def govuk_date(value: date | datetime | None) -> str:
    """3 March 2026; an instant is shown on its local calendar day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(zone()).date()
    return f"{value.day} {value:%B %Y}"


def govuk_weekday_date(value: date | None) -> str:
    """Friday 3 March 2026."""
    return f"{value:%A} {govuk_date(value)}" if value else ""


def govuk_time(value: datetime) -> str:
    """10:30am, 2pm, midday or midnight, in the service's timezone."""
    local = value.astimezone(zone())
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def govuk_datetime(value: datetime | None) -> str:
    """3 March 2026 at 10:30am."""
    return f"{govuk_date(value)} at {govuk_time(value)}" if value else ""


def days_phrase(days: int | None) -> str:
    """today, tomorrow, in 5 days, 3 days ago."""
    if days is None:
        return "no date"
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(govuk_date)
    app.add_template_filter(govuk_weekday_date)
    app.add_template_filter(govuk_time)
    app.add_template_filter(govuk_datetime)
    app.add_template_filter(days_phrase)
    app.add_template_filter(labels.label)
