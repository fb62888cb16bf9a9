"""Helpers for the SMS tests: the app's Twilio settings, London wall-clock times, days on BST or GMT."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
PUBLIC_BASE_URL = "https://tracker.example.org"
TWILIO_FROM = "+447700900123"
PLACE = "12 King Street"


def london(day: date, hhmm: str) -> datetime:
    """A wall-clock time in London on that day, as an aware instant."""
    return datetime.combine(day, time.fromisoformat(hhmm), LONDON)


def first_day_after(today: date, summer: bool, at_least: int = 3) -> date:
    """The first day at least `at_least` days ahead on British Summer Time (or, summer=False, on GMT)."""
    day = today + timedelta(days=at_least)
    while (london(day, "12:00").utcoffset() == timedelta(hours=1)) != summer:
        day += timedelta(days=1)
    return day


def utcnow() -> datetime:
    return datetime.now(UTC)
