"""Continuity of care (national indicator C20) by establishment, small counts suppressed.

One grouped query over the outcomes the sweep fixes on each release handover at R+21.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from tracker.auth.models import Team
from tracker.extensions import db
from tracker.pathway.models import Handover, Person

# DESIGN: any count under 5 is suppressed, and so is any figure it could be worked out from.
SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class ContinuityRow:
    """One establishment's releases with an alcohol need whose 21-day outcome is fixed."""

    establishment: str
    released: int | None
    engaged: int | None
    share: int | None


def financial_year(today: date) -> tuple[date, date]:
    """The financial year (April to March) that `today` falls in."""
    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return start, date(start.year + 1, 3, 31)


def continuity_by_establishment(start: date, end: date) -> list[ContinuityRow]:
    """Releases in the period and how many started community treatment within 21 days, suppressed."""
    rows = db.session.execute(
        select(Team.name, func.count(), func.sum(case((Handover.engaged.is_(True), 1), else_=0)))
        .join(Team, Team.id == Handover.team_id)
        .join(Person, Person.id == Handover.person_id)
        .where(
            Handover.kind == "release",
            Handover.engaged.is_not(None),
            Person.alcohol_need.is_(True),
            Handover.due_on >= start,
            Handover.due_on <= end,
        )
        .group_by(Team.name)
        .order_by(Team.name)
    ).all()
    return [_suppressed(name, released, int(engaged or 0)) for name, released, engaged in rows]


def _suppressed(name: str, released: int, engaged: int) -> ContinuityRow:
    if released < SUPPRESS_BELOW:
        return ContinuityRow(name, None, None, None)
    if engaged < SUPPRESS_BELOW or released - engaged < SUPPRESS_BELOW:
        return ContinuityRow(name, released, None, None)
    return ContinuityRow(name, released, engaged, round(100 * engaged / released))
