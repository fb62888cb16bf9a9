"""The list queries the API and the pages share: a caseload searched, and a prison's board."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from tracker.auth.models import Staff
from tracker.pathway import schemas
from tracker.pathway.models import Handover, Person, Stage
from tracker.pathway.scope import people_visible_to, people_visible_to_team

# The columns the people list shows, as rows: building 50 Person objects cost more than dumping them.
LISTED = [getattr(Person, name) for name in schemas.PersonOut().dump_fields]


def people_query(
    staff: Staff, stage: str | None = None, q: str | None = None, mine_only: bool = False, *, today: date
) -> Select:
    """The people this staff member may see, narrowed by caseload, current stage and a search."""
    query = _team_people(staff.role, staff.team_id, stage, today)
    if mine_only:
        query = query.where(Person.offender_manager_id == staff.id)
    if q and q.strip():
        term = q.strip().lower()
        # Escape LIKE's wildcards so "%" searches for a percent sign, not everyone.
        like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(Person.given_name + " " + Person.family_name).like(like, escape="\\"),
                func.lower(Person.crn) == term,
                func.lower(Person.prison_number) == term,
            )
        )
    return query


@lru_cache(maxsize=1024)
def team_people_listed(role: str, team_id: int | None, stage: str | None, today: date) -> Select:
    """The unsearched list of people a role in a team sees on `today`, as rows of `LISTED` in name order.

    Built once per team, stage and day, and kept: SQLAlchemy keys a statement it has seen by its identity,
    and building and keying this one anew took a fifth of the people list's time. A search is built each
    time (`people_query`) and never kept, so nothing a user types stays in memory.
    """
    return listed(_team_people(role, team_id, stage, today))


def _team_people(role: str, team_id: int | None, stage: str | None, today: date) -> Select:
    query = select(Person).where(people_visible_to_team(role, team_id, today))
    return query.where(Person.stage_kind == stage) if stage else query


def listed(query: Select) -> Select:
    """A query on people narrowed to the columns the list shows, in name order."""
    return query.with_only_columns(*LISTED).order_by(Person.family_name, Person.given_name, Person.id)


def board_query(staff: Staff, team_id: int, today: date, within_days: int) -> Select:
    """An establishment's release handovers planned in the window and not yet released, soonest first."""
    return (
        select(Handover)
        .join(Person, Person.id == Handover.person_id)
        .where(
            Handover.kind == "release",
            Handover.status == "open",
            Handover.released_on.is_(None),
            Handover.team_id == team_id,
            Handover.due_on >= today,
            Handover.due_on <= today + timedelta(days=within_days),
            people_visible_to(staff, today),
        )
        .options(
            joinedload(Handover.person),
            joinedload(Handover.stage).selectinload(Stage.release_dates),
            selectinload(Handover.items),
        )
        .order_by(Handover.due_on, Handover.id)
    )
