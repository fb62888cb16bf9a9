"""Referrals: made, accepted, declined (by coded reason) and started, by receiving service, with the days
from referral to the start of treatment (median and 90th percentile)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Date, Select, and_, case, func, literal_column, select

from tracker.auth.models import Staff
from tracker.pathway.models import Referral
from tracker.pathway.referrals import DECLINE_REASONS
from tracker.reports.breakdowns import BY_GROUP_AND_MONTH, Facts, group_expression, month_index
from tracker.reports.days import days_between, median_and_p90
from tracker.reports.measures import Count, Statistic
from tracker.reports.periods import Period
from tracker.reports.scope import Scope, scope_filter

NOTE = {
    "shows": "How many referrals were made to each receiving service, how many it accepted, declined "
    "(and why) and started, and how long treatment took to start.",
    "included": "Every referral made in the period (by the day it was made), of any kind, to any service, "
    "as it stands today: a referral made in the period and started later still counts as started.",
    "counted": "Demand: the referrals made to each service in each month of the period. Accepted: "
    "accepted, started or ended. Declined: by its coded reason (not recorded: declined "
    "before reasons were asked). Started: treatment started. Days to start: from the day the referral was "
    "made to the day treatment started, for the referrals started; the median is the middle value and the "
    "90th percentile the value nine in ten are within, shown for 10 started or more. Counts under 5, and "
    "any figure one could be worked out from, are suppressed.",
}
BREAKDOWNS = ("service", "month")
REASONS = (*DECLINE_REASONS, "not_recorded")
COUNTS = (
    Count("made", "Referrals made"),
    Count("accepted", "Accepted", of="made"),
    Count("declined", "Declined", of="made"),
    *(Count(f"declined_{r}", f"Declined: {r.replace('_', ' ')}", of="declined") for r in REASONS),
    Count("started", "Treatment started", of="made"),
)
# Demand: the referrals made to each service month by month, in its row (made_2025-04, ...), suppressed
# with the year and its quarters as one table.
MONTHLY = ("made",)
# The declines by reason add up to the declines, so one hidden reason cannot be worked out from the rest.
PARTS = {"declined": tuple(f"declined_{r}" for r in REASONS)}
STATISTICS = (
    Statistic("median_days", "Days to start: median", over="started"),
    Statistic("p90_days", "Days to start: 90th percentile", over="started"),
)
ACCEPTED = ("accepted", "started", "ended")
STARTED = ("started", "ended")

MADE_ON = func.date(Referral.made_at, type_=Date)
FACTS = Facts(on=MADE_ON, service=Referral.to_team_id)


def _n(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def counts(year: Period, by: str, scope: Scope, today: date) -> Select:
    """(group, month, made, accepted, declined, declined by each reason, started), in one statement."""
    declined = Referral.status == "declined"
    by_reason = [
        _n(and_(declined, Referral.decline_reason == r)).label(f"declined_{r}") for r in DECLINE_REASONS
    ]
    return (
        select(
            group_expression(by, FACTS, year).label("grp"),
            month_index(MADE_ON, year).label("month"),
            func.count().label("made"),
            _n(Referral.status.in_(ACCEPTED)).label("accepted"),
            _n(declined).label("declined"),
            *by_reason,
            _n(and_(declined, Referral.decline_reason.is_(None))).label("declined_not_recorded"),
            _n(_started()).label("started"),
        )
        .where(*_made_in(year, today), _scope(scope))
        .group_by(*BY_GROUP_AND_MONTH)
    )


def statistics(period: Period, by: str | None, scope: Scope, today: date) -> Select:
    """(group, median days, 90th percentile days) from referral to start, for the referrals started."""
    group = group_expression(by, FACTS, period.year) if by else literal_column("'total'")
    days = days_between(Referral.treatment_started_on, MADE_ON)
    started = select(group.label("grp"), days.label("days")).where(
        *_made_in(period, today), _started(), _scope(scope)
    )
    return median_and_p90(started)


def _started() -> ColumnElement[bool]:
    return and_(Referral.status.in_(STARTED), Referral.treatment_started_on.is_not(None))


def _made_in(period: Period, today: date) -> tuple[ColumnElement[bool], ...]:
    last = min(period.end_on, today)
    # The instant's range first, a day either side, so the index on made_at narrows it; then the day.
    first_at = datetime.combine(period.start_on - timedelta(days=1), time(0), UTC)
    last_at = datetime.combine(last + timedelta(days=2), time(0), UTC)
    return (
        Referral.made_at >= first_at,
        Referral.made_at < last_at,
        MADE_ON >= period.start_on,
        MADE_ON <= last,
    )


def _scope(scope: Scope) -> ColumnElement[bool]:
    # Prison and probation staff see the referrals their team made; a treatment service those made to it.
    maker_team = select(Staff.team_id).where(Staff.id == Referral.made_by_id).scalar_subquery()
    return scope_filter(
        scope, establishment=maker_team, probation_team=maker_team, treatment_team=Referral.to_team_id
    )
