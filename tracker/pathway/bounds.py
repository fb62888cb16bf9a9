"""PURE: the earliest and latest day each kind of date may be, so nothing typed breaks the date arithmetic.

Every bound ends by CEILING at the latest: the rules add offsets of days, weeks and months to stored
dates (P-84, A+21, reminders 7 days before a hearing), and a date near `date.max` would overflow them.
The API schemas and the page forms both take their bounds from here, and the OpenAPI document states
each bound in its field's description.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# No date anywhere lies after this day: every offset the rules add stays far inside `date.max`.
CEILING = date(2200, 12, 31)


def years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29 February that the later year lacks)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class DateBound:
    """The first and last day a kind of date may be: a fixed last day, or today plus some years."""

    earliest: date
    latest_on: date | None = None
    years_ahead: int | None = None

    def latest(self, today: date) -> date:
        """The last day allowed, as of today."""
        if self.latest_on is not None:
            return min(self.latest_on, CEILING)
        return min(years_after(today, self.years_ahead or 0), CEILING)

    def error(self, value: date, today: date) -> str | None:
        """Why this day is refused, or None when it is within the bound."""
        if value < self.earliest:
            return f"Cannot be before {self.earliest.isoformat()}."
        latest = self.latest(today)
        if value > latest:
            return f"Cannot be after {latest.isoformat()}."
        return None

    def describe(self) -> str:
        """The bound in words, for the OpenAPI document and the forms' hints."""
        if self.latest_on is not None:
            last = self.latest_on.isoformat()
        elif self.years_ahead:
            last = f"today + {self.years_ahead} years"
        else:
            last = "today"
        return f"From {self.earliest.isoformat()} to {last}."


# A date of birth: nobody on a caseload was born before 1900, and nobody is born tomorrow.
BIRTH = DateBound(earliest=date(1900, 1, 1), years_ahead=0)
# Stage dates, appointment times, hearings, treatment starts: records of this service's era, planned
# at most five years ahead.
NEAR = DateBound(earliest=date(2000, 1, 1), years_ahead=5)
# Official release dates, order and supervision ends: a long sentence's dates lie decades ahead.
FAR = DateBound(earliest=date(2000, 1, 1), latest_on=date(2150, 12, 31))
