"""Continuity of care (national indicator C20): released with an alcohol need, and into treatment in 21 days.

One grouped statement over actual releases, each with the need and the breakdowns fixed on the release
handover at A (tracker/pathway/handovers._fix_at_release).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, case, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from tracker.auth.models import Team
from tracker.pathway import referrals
from tracker.pathway.continuity import CONTINUITY_DAYS
from tracker.pathway.models import Handover, Referral
from tracker.reports.breakdowns import (
    BY_GROUP_AND_MONTH,
    RELEASE_BREAKDOWNS,
    RELEASE_FACTS,
    group_expression,
    month_index,
    plus_days,
)
from tracker.reports.measures import Count, Rate, Reference
from tracker.reports.periods import Period
from tracker.reports.scope import Scope, scope_filter

# The outcome is known once A+21 has passed (inclusive window A to A+21).
DAYS = CONTINUITY_DAYS

TITLE = "Continuity of care (C20)"
NOTE = {
    "shows": "Of the adults released from prison with an alcohol treatment need, how many started "
    "community structured treatment within 21 days of release (national indicator C20).",
    "included": "Each actual release in the period of someone 18 or over on the day of release (or whose "
    "age is not recorded) with an alcohol need recorded on that day, once 21 days have passed since it. "
    "Breakdowns are as they were on the day of release.",
    "counted": "Started: a structured alcohol or drug treatment referral to a treatment service, not "
    "declined, with treatment started from the day of release to 21 days after it; an assessment "
    "alone does not count. As in OHID's C20, a start in those 21 days counts even if the treatment has "
    "since ended (completed or dropped out). Counts under 5, and any figure one could be worked out "
    "from, are suppressed.",
}
BREAKDOWNS = RELEASE_BREAKDOWNS
COUNTS = (
    Count("released", "Released with an alcohol need"),
    Count("started", "Started treatment within 21 days", of="released"),
)
RATES = (Rate("share", "Share started (%)", numerator="started", denominator="released"),)
# OHID C20, England, all substances; and the national ambition.
REFERENCES = (
    Reference("England 2022-23: 43%", 43.0),
    Reference("England 2023-24: 53%", 53.0),
    Reference("Ambition: 75%", 75.0),
)
# A treatment start is a fact: a referral that started and has since ended still started.
STARTED_STATUSES = (*referrals.LIVE_STATUSES, "ended")

FACTS = RELEASE_FACTS


def _treatment_referral(team_id: int | None = None) -> Select:
    """Structured treatment referrals of the released person to a treatment service (one team's, if given)."""
    found = (
        select(Referral.id)
        .join(Team, Team.id == Referral.to_team_id)
        .where(
            Referral.person_id == Handover.person_id,
            Referral.kind.in_(referrals.STRUCTURED_KINDS),
            Team.kind == "treatment",
        )
    )
    return found.where(Referral.to_team_id == team_id) if team_id is not None else found


def counts(year: Period, by: str, scope: Scope, today: date) -> Select:
    """(group, month, released, started) for each group and month of the financial year, in one statement."""
    last = min(year.end_on, today - timedelta(days=DAYS + 1))
    # The releases of the year with a treatment start in their window, found once by joining (the
    # database hashes the set), not looked for release by release.
    release = aliased(Handover)
    started_ids = (
        select(release.id)
        .join(Referral, Referral.person_id == release.person_id)
        .join(Team, Team.id == Referral.to_team_id)
        .where(
            release.kind == "release",
            release.released_on >= year.start_on,
            release.released_on <= last,
            Referral.kind.in_(referrals.STRUCTURED_KINDS),
            Team.kind == "treatment",
            Referral.status.in_(STARTED_STATUSES),
            # The year's starts only (indexed), then each within its release's window.
            Referral.treatment_started_on >= year.start_on,
            Referral.treatment_started_on <= last + timedelta(days=DAYS),
            Referral.treatment_started_on >= release.released_on,
            Referral.treatment_started_on <= plus_days(release.released_on, DAYS),
        )
    )
    group, month = group_expression(by, FACTS, year), month_index(Handover.released_on, year)
    return (
        select(
            group.label("grp"),
            month.label("month"),
            func.count().label("released"),
            func.sum(case((Handover.id.in_(started_ids), 1), else_=0)).label("started"),
        )
        .where(
            Handover.kind == "release",
            Handover.released_on >= year.start_on,
            Handover.released_on <= last,
            Handover.alcohol_need.is_(True),
            or_(Handover.age_band.is_(None), Handover.age_band != "under_18"),
            _scope(scope),
        )
        .group_by(*BY_GROUP_AND_MONTH)
    )


def _scope(scope: Scope) -> ColumnElement[bool]:
    if scope.role == "treatment":
        # Treatment sees the releases of people referred to its team for structured treatment by A+21.
        referred = _treatment_referral(scope.team_id).where(
            func.date(Referral.made_at) <= plus_days(Handover.released_on, DAYS)
        )
        return exists(referred) if scope.team_id is not None else false()
    return scope_filter(scope, establishment=Handover.team_id, probation_team=Handover.probation_team_id)
