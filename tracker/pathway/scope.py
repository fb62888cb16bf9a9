"""What each role may see and change: one place, used by every endpoint and page.

Out-of-scope records answer 404 exactly as missing ones do; a record the caller may see but not
change answers 403.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, false, or_, select

from tracker.auth.models import Staff
from tracker.pathway.models import Person, Referral, Stage

# A resettlement team sees people it holds and those it released in the last 12 weeks.
RELEASED_WINDOW = timedelta(weeks=12)

# What each role may change on a person it can see (offender managers: their own caseload).
WRITES = {
    "offender_manager": {
        "person",
        "stage",
        "release_dates",
        "appointment",
        "referral",
        "referral_status",
        "screening",
        "handover",
    },
    "resettlement": {"release_dates", "appointment", "referral", "screening", "handover"},
    "treatment": {"appointment", "referral_status", "screening"},
}
# What a treatment team may also change on a person it holds (arrest referral, no offender manager yet):
# their stages and referrals, their consent to share with probation, and the charge that hands them on.
HOLDER_WRITES = {"stage", "share_consent", "charge", "referral"}


def people_visible_to(staff: Staff, today: date) -> ColumnElement[bool]:
    """A WHERE clause on Person selecting exactly the people this staff member may see on `today`."""
    return people_visible_to_team(staff.role, staff.team_id, today)


def people_visible_to_team(role: str, team_id: int | None, today: date) -> ColumnElement[bool]:
    """The same clause for anyone in this role and team: every member of a team sees the same people."""
    if role == "offender_manager":
        # The team's caseloads include the caller's own.
        return Person.offender_manager_id.in_(select(Staff.id).where(Staff.team_id == team_id))
    if role == "resettlement":
        held_or_recent = select(Stage.person_id).where(
            Stage.kind == "custody",
            Stage.establishment_team_id == team_id,
            or_(Stage.end_on.is_(None), Stage.end_on >= today - RELEASED_WINDOW),
        )
        return Person.id.in_(held_or_recent)
    if role == "treatment":
        referred = select(Referral.person_id).where(Referral.to_team_id == team_id)
        on_order = select(Stage.person_id).where(Stage.kind == "atr", Stage.treatment_team_id == team_id)
        return or_(Person.holding_team_id == team_id, Person.id.in_(referred), Person.id.in_(on_order))
    return false()  # commissioners and admins see no person


def may_change(staff: Staff, person: Person, what: str) -> bool:
    """Whether this staff member may make this kind of change to a person they can see."""
    if staff.role == "treatment" and person.holding_team_id == staff.team_id and what in HOLDER_WRITES:
        return True
    if what not in WRITES.get(staff.role, set()):
        return False
    if staff.role == "offender_manager":
        return person.offender_manager_id == staff.id
    return True
