"""Whose events a caller's reports count: the scope filter of each role, applied in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true

# Admin runs the service and sees no figures; every other role sees its own slice, never a person.
ROLES = ("commissioner", "resettlement", "offender_manager", "treatment")


class ReportForbidden(Exception):
    """A role that sees no reports."""


@dataclass(frozen=True)
class Scope:
    """The caller's role and team; CLI exports run as a commissioner."""

    role: str
    team_id: int | None = None

    @classmethod
    def of(cls, staff: object) -> Scope:
        """The scope of a staff member; ReportForbidden for a role that sees no reports."""
        role, team_id = getattr(staff, "role", None), getattr(staff, "team_id", None)
        if role not in ROLES:
            raise ReportForbidden(f"The {role} role sees no reports.")
        return cls(str(role), team_id)


COMMISSIONER = Scope("commissioner")


def scope_filter(
    scope: Scope,
    *,
    establishment: ColumnElement[int | None] | None = None,
    probation_team: ColumnElement[int | None] | None = None,
    treatment_team: ColumnElement[int | None] | None = None,
) -> ColumnElement[bool]:
    """The events a role sees: commissioners all; resettlement its establishment's; offender managers
    those whose offender manager was in their team at the event; treatment referrals to its team.

    Each column is the team as it was at the event; a report without one gives that role nothing.
    """
    if scope.role == "commissioner":
        return true()
    column = {
        "resettlement": establishment,
        "offender_manager": probation_team,
        "treatment": treatment_team,
    }.get(scope.role)
    if column is None or scope.team_id is None:
        return false()
    return column == scope.team_id
