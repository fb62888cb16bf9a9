"""Probation enforcement: which missed appointments count, when one records a warning, when a breach review.

PURE: standard library and continuity.py. A missed appointment's absence is acceptable, unacceptable
or pending (not yet decided). Only community (probation and treatment) appointments that are
requirements of an ATR or a licence count: a missed court hearing never does. The first counting
unacceptable absence with no warning in force records a warning; a further one within 12 months of a
warning calls for a breach review (on licence, consider recall).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from tracker.pathway.continuity import COMMUNITY_KINDS

ABSENCES: tuple[str, ...] = ("acceptable", "unacceptable", "pending")
# An absence is settled once it is judged acceptable or not; pending can still be decided.
SETTLED_ABSENCES: tuple[str, ...] = ("acceptable", "unacceptable")
WARNING_MONTHS = 12

COUNTING_APPOINTMENT_KINDS: tuple[str, ...] = COMMUNITY_KINDS
COUNTING_STAGE_KINDS: tuple[str, ...] = ("atr", "licence")

WARNING = "warning"
BREACH_REVIEW = "breach_review"


def counts(appointment_kind: str, stage_kind: str | None) -> bool:
    """Whether a missed appointment of this kind, booked in this stage, counts for enforcement."""
    return appointment_kind in COUNTING_APPOINTMENT_KINDS and stage_kind in COUNTING_STAGE_KINDS


def is_settled(absence: str | None) -> bool:
    """Whether an absence has been judged (acceptable or unacceptable); pending and unknown have not."""
    return absence in SETTLED_ABSENCES


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it has no such day)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def warning_in_force(absence_on: date, warnings_on: Iterable[date]) -> date | None:
    """The latest warning given in the 12 months up to and including `absence_on`, else None.

    A warning exactly 12 months before the absence is still in force; one a day older is not.
    """
    since = months_before(absence_on, WARNING_MONTHS)
    in_force = [on for on in warnings_on if since <= on <= absence_on]
    return max(in_force) if in_force else None


def consequence(
    absence: str | None,
    appointment_kind: str,
    stage_kind: str | None,
    absence_on: date,
    warnings_on: Iterable[date],
) -> str | None:
    """What an absence calls for: WARNING, BREACH_REVIEW, or None (not unacceptable, or not counting).

    `warnings_on` are the person's warnings other than any recorded on this appointment.
    """
    if absence != "unacceptable" or not counts(appointment_kind, stage_kind):
        return None
    return BREACH_REVIEW if warning_in_force(absence_on, warnings_on) else WARNING


def breach_action(stage_kind: str | None) -> str:
    """What a breach review considers: recall on licence, breach proceedings on an order."""
    return "consider recall" if stage_kind == "licence" else "consider breach action"
