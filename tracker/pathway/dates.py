"""Working days, bank holidays and the flags raised by imported release dates.

PURE: standard library and `holidays` only; every function takes its dates as arguments.
"""

import calendar
import functools
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
    "hdcad",
    "led",
    "sed",
    "tused",
    "confirmed",
)

# Offender management in custody (Manage POM Cases): on longer sentences the prison keeps the case
# until probation has 8 months and 14 days (12 months for parole cases) before the handover date.
HANDOVER_THRESHOLD_MONTHS = 10
HANDOVER_LEAD_MONTHS = 8
HANDOVER_LEAD_DAYS = 14
HANDOVER_PAROLE_LEAD_MONTHS = 12

FRIDAY = 4

_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")
# The holidays object fills in a year on first lookup by mutating shared state, so concurrent
# lookups from request threads and the scheduler could see a half-filled year.
_BANK_HOLIDAYS_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4096)  # a sweep asks about the same few hundred days tens of thousands of times
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


def _automatic_release_on(dates: Mapping[str, date | None]) -> date | None:
    automatic = [d for d in (dates.get("crd"), dates.get("ard")) if d is not None]
    return min(automatic) if automatic else None


PAROLE_NOTE = "parole eligibility: release only on the Parole Board's direction"


@dataclass(frozen=True)
class PlannedRelease:
    """The planned release date P and what it rests on: confirmed, hdcad, crd, ard or ped."""

    on: date
    basis: str

    @property
    def parole_eligibility_only(self) -> bool:
        """A PED is eligibility, not a release: release only on the Parole Board's direction."""
        return self.basis == "ped"


def planned_release(dates: Mapping[str, date | None]) -> PlannedRelease | None:
    """P: the confirmed date, else HDCAD, else the earlier of CRD and ARD, else PED. Planning only."""
    for kind in ("confirmed", "hdcad"):
        if dates.get(kind) is not None:
            return PlannedRelease(dates[kind], kind)  # type: ignore[arg-type]
    automatic = _automatic_release_on(dates)
    if automatic is not None:
        return PlannedRelease(automatic, "crd" if automatic == dates.get("crd") else "ard")
    ped = dates.get("ped")
    return PlannedRelease(ped, "ped") if ped is not None else None


def planned_release_on(dates: Mapping[str, date | None]) -> date | None:
    """The planned release date P, if any release date is known."""
    planned = planned_release(dates)
    return planned.on if planned else None


def handover_release_on(dates: Mapping[str, date | None]) -> date | None:
    """The date the prison-to-probation handover counts back from: PED, else the earlier of CRD and ARD.

    Never HDCAD or the confirmed date, as Manage POM Cases does.
    """
    return dates.get("ped") or _automatic_release_on(dates)


def overdue_after(dates: Mapping[str, date | None]) -> date | None:
    """The day after which open custody is overdue: the release the law or a decision fixed.

    The confirmed date, HDCAD or the automatic release (CRD/ARD); never PED, which is only eligibility.
    """
    planned = planned_release(dates)
    return None if planned is None or planned.parole_eligibility_only else planned.on


def effective_release_on(day: date) -> date:
    """The day a release falls due in practice: `day`, or the last working day before a non-working `day`."""
    return day if is_working_day(day) else previous_working_day(day)


def non_working_day_release(dates: Mapping[str, date | None]) -> bool:
    """Whether P itself falls on a weekend or bank holiday (an earlier confirmed working day never is)."""
    planned = planned_release(dates)
    return planned is not None and not planned.parole_eligibility_only and not is_working_day(planned.on)


def _before_closed_days(day: date) -> bool:
    return day.weekday() == FRIDAY or is_bank_holiday(day + timedelta(days=1))


def friday_release(dates: Mapping[str, date | None], alcohol_need: bool) -> bool:
    """Whether a release on a Friday or before a bank holiday calls for one up to 2 working days earlier.

    Judged on the effective day of P, before confirmation so the prison can act; not for a P resting
    on HDCAD or PED. A confirmed earlier eligible working day (one not before a closed day) clears it,
    because it is judged in its turn (Offenders (Day of Release from Detention) Act 2023).
    """
    planned = planned_release(dates)
    if not alcohol_need or planned is None or planned.basis in ("hdcad", "ped"):
        return False
    return _before_closed_days(effective_release_on(planned.on))


def community_responsibility_on(
    sentence_start_on: date | None,
    dates: Mapping[str, date | None],
    parole_lead_months: int = HANDOVER_PAROLE_LEAD_MONTHS,
) -> date | None:
    """The day probation in the community takes responsibility from the prison (Manage POM Cases)."""
    handover_on = handover_release_on(dates)
    if sentence_start_on is None or handover_on is None:
        return None
    if handover_on <= add_months(sentence_start_on, HANDOVER_THRESHOLD_MONTHS):
        return sentence_start_on
    if dates.get("ped") is not None:
        moves_on = add_months(handover_on, -parole_lead_months)
    else:
        moves_on = add_months(handover_on, -HANDOVER_LEAD_MONTHS) - timedelta(days=HANDOVER_LEAD_DAYS)
    # A parole case 10 to 12 months long would count back past its start: responsibility starts then.
    return max(moves_on, sentence_start_on)


@dataclass(frozen=True)
class ReleaseFlags:
    """What a set of release dates means for the handover."""

    planned: PlannedRelease | None
    non_working_day: bool
    friday: bool
    community_responsibility_on: date | None


def release_flags(
    dates: Mapping[str, date | None],
    sentence_start_on: date | None,
    alcohol_need: bool,
    parole_lead_months: int = HANDOVER_PAROLE_LEAD_MONTHS,
) -> ReleaseFlags:
    """Every flag raised by a person's release dates, computed together (the board and the API agree)."""
    return ReleaseFlags(
        planned=planned_release(dates),
        non_working_day=non_working_day_release(dates),
        friday=friday_release(dates, alcohol_need),
        community_responsibility_on=community_responsibility_on(sentence_start_on, dates, parole_lead_months),
    )
