"""Working days, bank holidays and the flags raised by imported release dates.

PURE: standard library and `holidays` only; every function takes its dates as arguments.
"""

import calendar
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

RELEASE_DATE_KINDS: tuple[str, ...] = (
    "crd",
    "ard",
    "ped",
    "hdced",
    "led",
    "sed",
    "confirmed",
)

# Offender management in custody: on longer sentences the prison keeps the case until
# probation has 8 months and 14 days before ERD to prepare; shorter ones start in the community.
HANDOVER_THRESHOLD_MONTHS = 10
HANDOVER_LEAD_MONTHS = 8
HANDOVER_LEAD_DAYS = 14

FRIDAY = 4

_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")
# The holidays object fills in a year on first lookup by mutating shared state, so concurrent
# lookups from request threads and the scheduler could see a half-filled year.
_BANK_HOLIDAYS_LOCK = threading.Lock()


def is_bank_holiday(day: date) -> bool:
    """Whether `day` is a bank holiday in England and Wales."""
    with _BANK_HOLIDAYS_LOCK:
        return day in _BANK_HOLIDAYS


def is_working_day(day: date) -> bool:
    """Whether `day` is Monday to Friday and not a bank holiday."""
    return day.weekday() <= FRIDAY and not is_bank_holiday(day)


def previous_working_day(day: date) -> date:
    """The last working day strictly before `day`."""
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (n >= 0; n == 0 gives `day` itself)."""
    if n < 0:
        raise ValueError(f"add_working_days needs n >= 0 (got {n}).")
    for _ in range(n):
        day = next_working_day(day)
    return day


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the end of a shorter month."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def official_release_on(dates: Mapping[str, date | None]) -> date | None:
    """The earliest release date from the sentence calculation: PED, else the earlier of CRD and ARD."""
    ped = dates.get("ped")
    if ped is not None:
        return ped
    automatic = [d for d in (dates.get("crd"), dates.get("ard")) if d is not None]
    return min(automatic) if automatic else None


def earliest_release_on(dates: Mapping[str, date | None]) -> date | None:
    """The earliest release date (ERD): the confirmed date when present, else the official one."""
    confirmed = dates.get("confirmed")
    if confirmed is not None:
        return confirmed
    return official_release_on(dates)


def expected_release_on(dates: Mapping[str, date | None]) -> date | None:
    """The day custody should end: the confirmed date, else the earlier of CRD and ARD.

    Parole eligibility (PED) is only eligibility, so a person past it is not overdue.
    """
    if dates.get("confirmed"):
        return dates["confirmed"]
    automatic = [d for d in (dates.get("crd"), dates.get("ard")) if d is not None]
    return min(automatic) if automatic else None


def non_working_day_release(dates: Mapping[str, date | None]) -> bool:
    """Whether a release falls on a non-working day without the CJA 1961 s.23(3) move to the day before."""
    confirmed = dates.get("confirmed")
    if confirmed is not None and not is_working_day(confirmed):
        return True
    official = official_release_on(dates)
    if official is None or is_working_day(official):
        return False
    return confirmed != previous_working_day(official)


def friday_release(dates: Mapping[str, date | None], alcohol_need: bool) -> bool:
    """Whether a confirmed release on a Friday or before a bank holiday calls for an earlier release."""
    confirmed = dates.get("confirmed")
    if not alcohol_need or confirmed is None:
        return False
    return confirmed.weekday() == FRIDAY or is_bank_holiday(confirmed + timedelta(days=1))


def community_responsibility_on(sentence_start_on: date | None, erd: date | None) -> date | None:
    """The day probation in the community takes responsibility from the prison."""
    if sentence_start_on is None or erd is None:
        return None
    if erd > add_months(sentence_start_on, HANDOVER_THRESHOLD_MONTHS):
        return add_months(erd, -HANDOVER_LEAD_MONTHS) - timedelta(days=HANDOVER_LEAD_DAYS)
    return sentence_start_on


@dataclass(frozen=True)
class ReleaseFlags:
    """What a set of release dates means for the handover."""

    erd: date | None
    non_working_day: bool
    friday: bool
    community_responsibility_on: date | None


def release_flags(
    dates: Mapping[str, date | None], sentence_start_on: date | None, alcohol_need: bool
) -> ReleaseFlags:
    """Every flag raised by a person's release dates, computed together."""
    erd = earliest_release_on(dates)
    return ReleaseFlags(
        erd=erd,
        non_working_day=non_working_day_release(dates),
        friday=friday_release(dates, alcohol_need),
        community_responsibility_on=community_responsibility_on(sentence_start_on, erd),
    )
