"""Handovers at release: the checklist as it was a week before (P-7), a first community appointment within
21 days, Friday and pre-holiday releases and how many were moved earlier, and accommodation at release."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Date, Select, and_, case, func, or_, select

from tracker.pathway import dates
from tracker.pathway.checklist import RELEASE_ITEMS
from tracker.pathway.continuity import COMMUNITY_KINDS, CONTINUITY_DAYS
from tracker.pathway.models import Appointment, Handover, HandoverItem, ReleaseDate
from tracker.reports.breakdowns import (
    BY_GROUP_AND_MONTH,
    RELEASE_BREAKDOWNS,
    RELEASE_FACTS,
    group_expression,
    month_index,
    plus_days,
)
from tracker.reports.measures import Count, Rate
from tracker.reports.periods import Period
from tracker.reports.scope import Scope, scope_filter

NOTE = {
    "shows": "How ready each release was: the checklist a week before the planned date, a first "
    "appointment in the community within 21 days, releases due on a Friday or before a bank holiday and "
    "how many were brought forward, and accommodation not arranged by the day of release.",
    "included": "Each actual release in the period, grouped as it was on the day of release.",
    "counted": "At P-7: the checklist kept by the sweep on the first day it ran on or after 7 days before "
    "the planned release (releases with none kept are left out of those counts); an item counts when it "
    "was done. First appointment: a probation or treatment appointment, not cancelled, from the day of "
    "release to 21 days after. Friday or pre-holiday: the conditional (else automatic) release date falls "
    "due, on its last working day, on a Friday or the day before a bank holiday, and the release is not "
    "on home detention curfew; brought forward: released before that date. Accommodation not done at "
    "release: its checklist item was not done, or was marked done after the day of release. Counts under "
    "5, and any figure one could be worked out from, are suppressed.",
}
BREAKDOWNS = RELEASE_BREAKDOWNS
COUNTS = (
    Count("released", "Released"),
    Count("checked_at_p7", "Checklist kept at P-7", of="released"),
    *(
        Count(f"p7_{item}", f"Done at P-7: {item.replace('_', ' ')}", of="checked_at_p7")
        for item in RELEASE_ITEMS
    ),
    Count("appointment_21", "First community appointment within 21 days", of="released"),
    Count("friday_or_pre_holiday", "Due on a Friday or before a bank holiday", of="released"),
    Count("brought_forward", "Of those, released earlier", of="friday_or_pre_holiday"),
    Count("no_accommodation", "Accommodation not done at release", of="released"),
)
RATES = (Rate("appointment_21_share", "First appointment within 21 days (%)", "appointment_21", "released"),)
FACTS = RELEASE_FACTS


def _n(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def counts(year: Period, by: str, scope: Scope, today: date) -> Select:
    """(group, month, *COUNTS) over the actual releases of the financial year, in one statement.

    Each fact is found for the year's releases at once (a join the database hashes, or an IN over a set
    it builds once), never looked up release by release."""
    in_year = (
        Handover.kind == "release",
        Handover.released_on >= year.start_on,
        Handover.released_on <= min(year.end_on, today),
        scope_filter(scope, establishment=Handover.team_id, probation_team=Handover.probation_team_id),
    )
    stages = select(Handover.stage_id).where(*in_year)
    due = _due_on(stages)
    closed_eve = and_(due.c.due_on.in_(_closed_eves(year)), due.c.hdc == 0)
    kept = Handover.checklist_at_p7
    seen_in_time = _with_appointment_within(CONTINUITY_DAYS, year, in_year)
    return (
        select(
            group_expression(by, FACTS, year).label("grp"),
            month_index(Handover.released_on, year).label("month"),
            func.count().label("released"),
            _n(Handover.checklist_at_p7_on.is_not(None)).label("checked_at_p7"),
            *(_n(kept[item].as_string() == "done").label(f"p7_{item}") for item in RELEASE_ITEMS),
            _n(Handover.id.in_(seen_in_time)).label("appointment_21"),
            _n(closed_eve).label("friday_or_pre_holiday"),
            _n(and_(closed_eve, Handover.released_on < due.c.due_on)).label("brought_forward"),
            _n(Handover.id.not_in(_accommodation_done_at_release(in_year))).label("no_accommodation"),
        )
        .outerjoin(due, due.c.stage_id == Handover.stage_id)
        .where(*in_year)
        .group_by(*BY_GROUP_AND_MONTH)
    )


def _closed_eves(year: Period) -> list[date]:
    """Every release date that falls due (on its last working day) on a Friday or a bank holiday's eve."""
    first, last = year.start_on - timedelta(days=31), year.end_on + timedelta(days=31)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if _before_closed_days(dates.effective_release_on(d))]


def _before_closed_days(day: date) -> bool:
    return day.weekday() == 4 or dates.is_bank_holiday(day + timedelta(days=1))


def _due_on(stages: Select):
    """Per custody stage of the releases: its conditional release date, else its automatic one (due_on),
    and whether it has a home detention curfew date (hdc, 1 or 0)."""
    kind, value = ReleaseDate.kind, ReleaseDate.value_on
    return (
        select(
            ReleaseDate.stage_id,
            func.coalesce(
                func.max(case((kind == "crd", value))), func.max(case((kind == "ard", value)))
            ).label("due_on"),
            func.max(case((kind == "hdcad", 1), else_=0)).label("hdc"),
        )
        .where(kind.in_(("crd", "ard", "hdcad")), ReleaseDate.stage_id.in_(stages))
        .group_by(ReleaseDate.stage_id)
        .subquery("due")
    )


def _with_appointment_within(days: int, year: Period, in_year) -> Select:
    """The releases with a probation or treatment appointment, not cancelled, from A to A+days."""
    starts_on = func.date(Appointment.starts_at, type_=Date)
    # Only the appointments that can fall in a window of the year's releases (indexed), a day either side
    # for the time zone of the stored instant.
    first = datetime.combine(year.start_on - timedelta(days=1), time(0), UTC)
    last = datetime.combine(year.end_on + timedelta(days=days + 2), time(0), UTC)
    return (
        select(Handover.id)
        .join(Appointment, Appointment.person_id == Handover.person_id)
        .where(
            *in_year,
            Appointment.starts_at >= first,
            Appointment.starts_at < last,
            Appointment.kind.in_(COMMUNITY_KINDS),
            or_(Appointment.outcome.is_(None), Appointment.outcome != "cancelled"),
            starts_on >= Handover.released_on,
            starts_on <= plus_days(Handover.released_on, days),
        )
    )


def _accommodation_done_at_release(in_year) -> Select:
    """The releases whose accommodation item was done by the day of release."""
    return (
        select(Handover.id)
        .join(HandoverItem, HandoverItem.handover_id == Handover.id)
        .where(
            *in_year,
            HandoverItem.item == "accommodation",
            HandoverItem.status == "done",
            func.date(HandoverItem.updated_at, type_=Date) <= Handover.released_on,
        )
    )
