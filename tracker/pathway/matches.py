"""Before a person is added by hand: is someone with the same name and date of birth already known?

The answer shown is only that a possible match exists outside the caller's caseload, never who; the
check and the ids it found are audited, so a search by adding people leaves a trace.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tracker import audit
from tracker.auth.models import Staff
from tracker.extensions import db
from tracker.pathway.models import Person


def possible_matches(given_name: str, family_name: str, date_of_birth: date | None, by: Staff) -> bool:
    """Whether anyone outside `by`'s caseload has this name and date of birth; the check is audited."""
    if date_of_birth is None:
        return False
    found = db.session.scalars(
        select(Person.id).where(
            func.lower(Person.given_name) == given_name.strip().lower(),
            func.lower(Person.family_name) == family_name.strip().lower(),
            Person.date_of_birth == date_of_birth,
            (Person.offender_manager_id != by.id) | Person.offender_manager_id.is_(None),
        )
    ).all()
    audit.record(by.id, "match_check", subject_type="people", matched_person_ids=list(found))
    return bool(found)
