"""Fixed report periods: a financial year (`2025-26`) or one of its quarters (`2025-26-Q1`).

No free from/to anywhere: every period is a year or a quarter of one, so two periods the API offers
can only be differenced along the year = Q1 + Q2 + Q3 + Q4 that suppression already treats as one table.
Months exist only as a breakdown (by=month, the trend) inside a year or a quarter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

EARLIEST_YEAR = 2015
_NAME = re.compile(r"^(\d{4})-(\d{2})(?:-Q([1-4]))?$")


class BadPeriod(ValueError):
    """A period that is not a financial year or a quarter of one, or has not started."""


@dataclass(frozen=True)
class Period:
    """A financial year (quarter None) or one of its quarters."""

    name: str
    start_on: date
    end_on: date
    year_start_on: date
    quarter: int | None = None

    @property
    def year(self) -> Period:
        """The financial year this period belongs to."""
        return financial_year(self.year_start_on)

    def month_indexes(self) -> range:
        """The months of the period, counted 0 (April) to 11 (March) within its financial year."""
        if self.quarter is None:
            return range(12)
        return range(3 * (self.quarter - 1), 3 * self.quarter)


def financial_year(day: date) -> Period:
    """The financial year (April to March) that `day` falls in."""
    first = day.year if day.month >= 4 else day.year - 1
    start = date(first, 4, 1)
    return Period(f"{first}-{(first + 1) % 100:02d}", start, date(first + 1, 3, 31), start)


def quarter(year: Period, number: int) -> Period:
    """Quarter 1 (April to June) to 4 (January to March) of a financial year."""
    start = month_start(year.year_start_on, 3 * (number - 1))
    end = month_start(year.year_start_on, 3 * number) - timedelta(days=1)
    return Period(f"{year.name}-Q{number}", start, end, year.year_start_on, number)


def month_start(year_start_on: date, index: int) -> date:
    """The first day of month `index` (0 is April) of the financial year starting on year_start_on."""
    months = year_start_on.month - 1 + index
    return date(year_start_on.year + months // 12, months % 12 + 1, 1)


def month_label(year_start_on: date, index: int) -> str:
    """A month of the trend as `2025-04`."""
    return month_start(year_start_on, index).strftime("%Y-%m")


def parse(text: str | None, today: date) -> Period:
    """`2025-26` or `2025-26-Q1`; the current financial year when left out."""
    if not text:
        return financial_year(today)
    match = _NAME.match(text)
    if not match or int(match[2]) != (int(match[1]) + 1) % 100:
        raise BadPeriod("Give a financial year such as 2025-26, or a quarter of one such as 2025-26-Q1.")
    year = financial_year(date(int(match[1]), 4, 1))
    period = quarter(year, int(match[3])) if match[3] else year
    if period.start_on > today or year.start_on.year < EARLIEST_YEAR:
        raise BadPeriod(
            f"{text} has not started yet." if period.start_on > today else f"{text} is too early."
        )
    return period


def started_quarters(year: Period, today: date) -> list[Period]:
    """The quarters of a financial year that have started by today."""
    return [q for q in (quarter(year, n) for n in range(1, 5)) if q.start_on <= today]
