"""What a treatment team that holds a person keeps to itself until the person consents to share.

Screenings and referrals made while a treatment team holds a person (arrest referral, before any
offender manager) are kept for that team. When probation takes the case they go with the person only
if the person consented to share (privacy.clinical_moves_with_person); otherwise nobody outside the
team sees them, not even as a need.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, update

from tracker.auth.models import Staff
from tracker.extensions import db
from tracker.pathway.models import Person, Referral, Screening, ShareConsent
from tracker.privacy import clinical_moves_with_person

KEPT_MODELS = (Screening, Referral)


def kept_for(person: Person, by: Staff) -> int | None:
    """The team a new screening or referral is kept for: the holding team, when it records it."""
    if person.holding_team_id is not None and person.holding_team_id == by.team_id:
        return person.holding_team_id
    return None


def shown_to(model: type[Screening] | type[Referral], staff: Staff) -> ColumnElement[bool]:
    """A WHERE clause on screenings or referrals: those this staff member may see (privacy.withheld)."""
    return or_(model.kept_for_team_id.is_(None), model.kept_for_team_id == staff.team_id)


def latest_share_consent(person: Person) -> ShareConsent | None:
    """The person's latest word on sharing with probation, if any was recorded."""
    return person.share_consents[-1] if person.share_consents else None


def moves_with_person(person: Person) -> bool:
    """Whether what the holding team kept goes to probation with the person now."""
    latest = latest_share_consent(person)
    return clinical_moves_with_person(latest.consent if latest else None)


def release_kept(person: Person, team_id: int) -> int:
    """Share what was kept for the team with whoever now cares for the person; how many records."""
    moved = 0
    for model in KEPT_MODELS:
        result = db.session.execute(
            update(model)
            .where(model.person_id == person.id, model.kept_for_team_id == team_id)
            .values(kept_for_team_id=None),
            execution_options={"synchronize_session": "fetch"},
        )
        moved += getattr(result, "rowcount", 0) or 0
    return moved
