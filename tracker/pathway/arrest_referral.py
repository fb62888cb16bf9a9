"""Arrest referral: a treatment team identifies a person, holds them, and hands them to probation.

A treatment team (in a custody suite, or from a referrer) adds a person at the `identified` or
`arrest` stage with no CRN and no offender manager: the team holds them. It records the person's
consent to share with probation. The case moves to an offender manager either when the team records
the `court` stage on charge, naming the offender manager, or when an offender manager who found the
person by their identifiers asks to take the case and the team confirms. Stages move with the person;
what the team kept (screenings, referral reasons) moves only with consent (sharing.py). The team's own
referral stays live, so it keeps reading the record. Every step is audited. These add and flush, never commit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from tracker import audit
from tracker.auth.models import Staff
from tracker.clock import zone
from tracker.errors import Conflict, Invalid, Unseen
from tracker.extensions import db
from tracker.pathway import events, service, sharing
from tracker.pathway.access import NOT_FOUND
from tracker.pathway.models import CaseRequest, Person, Referral, ShareConsent, Stage

OPENING_KINDS = ("identified", "arrest")
DEFAULT_REASON = "Identified by arrest referral."
OPEN = "requested"
# An offender manager asks for a case their own search found (by CRN, or full name and date of birth)
# this long ago at most: an id alone says nothing of who a person is, so trying ids finds nobody.
SEARCH_LASTS = timedelta(hours=24)


def identify(data: dict[str, Any], by: Staff, now: datetime) -> Person:
    """A person the caller's treatment team identified, held by that team, at their first stage."""
    data = dict(data)  # the caller's stays as given
    stage = dict(data.pop("stage"))
    consent = data.pop("share_consent", None)
    reason = data.pop("referral_reason", None) or DEFAULT_REASON
    if stage["kind"] not in OPENING_KINDS:
        raise Invalid({"stage.kind": f"Must be {' or '.join(OPENING_KINDS)}."})
    if stage["start_on"] > _local_day(now):
        raise Invalid({"stage.start_on": "Cannot be in the future."})
    person = service.create_person(data, by=by, now=now)
    person.holding_team_id = by.team_id
    stage.setdefault("team_id", by.team_id)
    service.add_stage(person, stage, by=by, now=now)
    # The team's own referral: what keeps its care relationship (and its read access) live.
    referral = Referral(
        person_id=person.id,
        to_team_id=by.team_id,
        kind="structured_alcohol_treatment",
        reason=reason,
        status="accepted",
        made_at=now,
        made_by_id=by.id,
        kept_for_team_id=by.team_id,
    )
    db.session.add(referral)
    if consent is not None:
        record_share_consent(person, consent, by, now)
    db.session.flush()
    audit.record(by.id, "identify", person, person_id=person.id, kind=stage["kind"], team_id=by.team_id)
    return person


def _local_day(now: datetime) -> date:
    # "Today" is the service's calendar day, not UTC's: they differ for an hour each summer night.
    return now.astimezone(zone()).date()


def record_share_consent(person: Person, data: dict[str, Any], by: Staff, now: datetime) -> ShareConsent:
    """Keep the person's word on sharing with probation: who recorded it, when they gave it, how."""
    if data["given_on"] > _local_day(now):
        raise Invalid({"given_on": "Cannot be in the future."})
    row = ShareConsent(
        consent=data["consent"],
        given_on=data["given_on"],
        how=data["how"],
        recorded_at=now,
        recorded_by_id=by.id,
    )
    person.share_consents.append(row)
    db.session.flush()
    audit.record(by.id, "create", row, person_id=person.id, consent=row.consent, how=row.how)
    return row


def charge(person: Person, data: dict[str, Any], by: Staff, now: datetime) -> Stage:
    """On charge: the court stage, and the case handed to the offender manager named by email."""
    data = dict(data)  # the caller's stays as given
    manager = _offender_manager(data.pop("offender_manager_email"))
    _check_held_by(person, by.team_id)
    stage = service.add_stage(person, {"kind": "court", **data}, by=by, now=now)
    _hand_over(person, manager, by, now, via="charge")
    return stage


def _offender_manager(email: str) -> Staff:
    manager = db.session.scalar(
        select(Staff).where(func.lower(Staff.email) == email.strip().lower(), Staff.active.is_(True))
    )
    if manager is None or manager.role != "offender_manager":
        raise Invalid({"offender_manager_email": "No offender manager has that email address."})
    return manager


def held_matches(
    by: Staff, crn: str | None, given_name: str | None, family_name: str | None, date_of_birth: date | None
) -> list[Person]:
    """People a treatment team holds, found by CRN or by full name and date of birth; audited."""
    held = select(Person).where(Person.holding_team_id.is_not(None), Person.offender_manager_id.is_(None))
    if crn:
        found = db.session.scalars(held.where(Person.crn == crn.strip().upper()))
        searched = "crn"
    elif given_name and family_name and date_of_birth:
        found = db.session.scalars(
            held.where(
                func.lower(Person.given_name) == given_name.strip().lower(),
                func.lower(Person.family_name) == family_name.strip().lower(),
                Person.date_of_birth == date_of_birth,
            )
        )
        searched = "name_and_date_of_birth"
    else:
        raise Invalid({"crn": "Give a CRN, or a given name, family name and date of birth."})
    people = list(found.all())
    audit.record(by.id, "search_held", subject_type="people", by_what=searched, found=[p.id for p in people])
    return people


def found_by_search(by: Staff, person_id: int, now: datetime) -> bool:
    """Whether this staff member's own search of held people found the person in the last SEARCH_LASTS
    (the audit log keeps what each search found)."""
    searches = db.session.scalars(
        select(audit.AuditEntry.detail).where(
            audit.AuditEntry.actor_id == by.id,
            audit.AuditEntry.action == "search_held",
            audit.AuditEntry.at > now - SEARCH_LASTS,
        )
    )
    return any(person_id in (detail or {}).get("found", ()) for detail in searches)


def request_case(person: Person, by: Staff, now: datetime) -> CaseRequest:
    """An offender manager asks the team holding a person, found by their own search, for the case."""
    if not found_by_search(by, person.id, now):
        raise Unseen(NOT_FOUND, by.id, "people", person.id, person_id=person.id)
    if person.holding_team_id is None or person.offender_manager_id is not None:
        raise Conflict("Probation already holds this person: nothing to ask for.")
    pending = db.session.scalar(
        select(CaseRequest.id).where(
            CaseRequest.person_id == person.id,
            CaseRequest.requested_by_id == by.id,
            CaseRequest.status == OPEN,
        )
    )
    if pending is not None:
        raise Conflict("You have already asked to take this case; the team has not answered yet.")
    request = CaseRequest(
        person_id=person.id, team_id=person.holding_team_id, requested_by_id=by.id, requested_at=now
    )
    db.session.add(request)
    db.session.flush()
    audit.record(by.id, "request_case", request, person_id=person.id, team_id=request.team_id)
    return request


def answer_request(request: CaseRequest, confirm: bool, by: Staff, now: datetime) -> CaseRequest:
    """The holding team confirms (the case moves) or declines an offender manager's request."""
    if request.status != OPEN:
        raise Conflict(f"This request was already {request.status}.")
    person = db.session.get(Person, request.person_id)
    assert person is not None  # a request's person is never deleted
    _check_held_by(person, request.team_id)
    request.status = "confirmed" if confirm else "declined"
    request.answered_by_id, request.answered_at = by.id, now
    if confirm:
        _hand_over(person, request.requested_by, by, now, via="request")
    db.session.flush()
    audit.record(by.id, f"{request.status}_case_request", request, person_id=person.id)
    return request


def _check_held_by(person: Person, team_id: int | None) -> None:
    if person.holding_team_id is None or person.holding_team_id != team_id:
        raise Conflict("This team no longer holds the person: probation has the case.")


def _hand_over(person: Person, manager: Staff, by: Staff, now: datetime, via: str) -> None:
    """The person moves to the offender manager; what the team kept moves only with consent."""
    team_id = person.holding_team_id
    assert team_id is not None
    moved = sharing.release_kept(person, team_id) if sharing.moves_with_person(person) else 0
    person.offender_manager_id, person.holding_team_id = manager.id, None
    for other in db.session.scalars(
        select(CaseRequest).where(CaseRequest.person_id == person.id, CaseRequest.status == OPEN)
    ):
        other.status, other.answered_by_id, other.answered_at = "closed", by.id, now
    db.session.flush()
    events.caseload_transferred.send(person, from_manager_id=None, now=now)
    audit.record(
        by.id,
        "hand_over",
        person,
        person_id=person.id,
        from_team_id=team_id,
        to_manager_id=manager.id,
        via=via,
        clinical_records_shared=moved,
    )


def open_requests(team_id: int) -> Select[tuple[CaseRequest]]:
    """A holding team's unanswered requests to take a case, oldest first."""
    return (
        select(CaseRequest)
        .where(CaseRequest.team_id == team_id, CaseRequest.status == OPEN)
        .order_by(CaseRequest.requested_at, CaseRequest.id)
    )


def requests_from(manager: Staff) -> Select[tuple[CaseRequest]]:
    """An offender manager's requests to take a case, newest first."""
    return (
        select(CaseRequest)
        .where(CaseRequest.requested_by_id == manager.id)
        .order_by(CaseRequest.requested_at.desc(), CaseRequest.id.desc())
    )
