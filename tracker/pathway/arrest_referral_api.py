"""/api/v1 arrest referral: treatment teams identify and hold people; probation takes the case."""

from __future__ import annotations

from flask_smorest import Blueprint, abort
from sqlalchemy import select

from tracker import audit
from tracker.auth.tokens import authenticate_bearer, current_staff, require_role
from tracker.clock import local_today
from tracker.extensions import db
from tracker.paging import page_of, paginated
from tracker.pathway import arrest_referral, schemas
from tracker.pathway import arrest_referral_schemas as held_schemas
from tracker.pathway.access import NOT_FOUND, person_or_404
from tracker.pathway.models import CaseRequest, Person, ShareConsent
from tracker.types import utcnow

bp = Blueprint(
    "arrest_referral",
    __name__,
    url_prefix="/api/v1",
    description="Arrest referral: people a treatment team holds until probation takes the case.",
)
bp.before_request(authenticate_bearer)


@bp.post("/identified-people")
@bp.arguments(held_schemas.IdentifyIn)
@bp.response(201, held_schemas.HeldPersonOut)
def identify(data):
    """Add a person at the identified or arrest stage, held by your treatment team (treatment only)."""
    require_role("treatment")
    person = arrest_referral.identify(data, by=current_staff(), now=utcnow())
    db.session.commit()
    return person


@bp.get("/people/<int:person_id>/share-consents")
@bp.response(200, held_schemas.ShareConsentOut(many=True))
@paginated(bp)
def share_consents(pagination_parameters, person_id):
    """The person's consent to share with probation, each time it was given or refused, oldest first."""
    staff = current_staff()
    person = person_or_404(staff, person_id, today=local_today())
    audit.record(staff.id, "view", subject_type="share_consents", person_id=person.id)
    db.session.commit()
    oldest_first = select(ShareConsent).where(ShareConsent.person_id == person.id).order_by(ShareConsent.id)
    return page_of(oldest_first, pagination_parameters)


@bp.post("/people/<int:person_id>/share-consents")
@bp.arguments(held_schemas.ShareConsentIn)
@bp.response(201, held_schemas.ShareConsentOut)
def record_share_consent(data, person_id):
    """Record the person's consent to share with probation: when, how (the team holding them only)."""
    staff, now = current_staff(), utcnow()
    person = person_or_404(staff, person_id, "share_consent", today=local_today(now))
    row = arrest_referral.record_share_consent(person, data, by=staff, now=now)
    db.session.commit()
    return row


@bp.post("/people/<int:person_id>/charge")
@bp.arguments(held_schemas.ChargeIn)
@bp.response(201, schemas.StageOut)
def charge(data, person_id):
    """On charge: record the court stage and hand the case to the offender manager named by email."""
    staff, now = current_staff(), utcnow()
    person = person_or_404(staff, person_id, "charge", today=local_today(now))
    stage = arrest_referral.charge(person, data, by=staff, now=now)
    db.session.commit()
    return stage


# A search, posted: a name and date of birth in a query string would land in every access log.
@bp.post("/held-people/search")
@bp.arguments(held_schemas.HeldQuery, as_kwargs=True)
@bp.response(200, held_schemas.HeldOut(many=True))
def held_people(crn=None, given_name=None, family_name=None, date_of_birth=None):
    """People a treatment team holds, by CRN or by name and date of birth: only who holds them
    (offender managers only)."""
    require_role("offender_manager")
    found = arrest_referral.held_matches(current_staff(), crn, given_name, family_name, date_of_birth)
    db.session.commit()
    return found


@bp.post("/held-people/<int:person_id>/case-requests")
@bp.response(201, held_schemas.CaseRequestOut)
def request_case(person_id):
    """Ask the team holding a person your own search found (in the last day) to hand you the case
    (offender managers only); anyone else answers 404, as an id nobody holds does."""
    require_role("offender_manager")
    staff = current_staff()
    person = db.session.get(Person, person_id)
    if person is None or person.holding_team_id is None:
        # Someone probation holds, or nobody: the same answer, so ids reveal nothing; the attempt is kept.
        audit.record(staff.id, "denied", subject_type="people", subject_id=person_id, person_id=person_id)
        db.session.commit()
        abort(404, message=NOT_FOUND)
    request = arrest_referral.request_case(person, by=staff, now=utcnow())
    db.session.commit()
    return request


@bp.get("/case-requests")
@bp.response(200, held_schemas.CaseRequestOut(many=True))
@paginated(bp)
def case_requests(pagination_parameters):
    """A treatment team's unanswered requests to take a case; an offender manager's own requests."""
    staff = current_staff()
    require_role("treatment", "offender_manager")
    if staff.role == "treatment":
        return page_of(arrest_referral.open_requests(staff.team_id), pagination_parameters)
    return page_of(arrest_referral.requests_from(staff), pagination_parameters)


def _team_request_or_404(request_id: int) -> CaseRequest:
    staff = current_staff()
    require_role("treatment")
    request = db.session.scalar(
        select(CaseRequest).where(CaseRequest.id == request_id, CaseRequest.team_id == staff.team_id)
    )
    if request is None:
        abort(404, message="No such request to your team.")
    return request  # type: ignore[return-value]  # abort() raises


@bp.post("/case-requests/<int:request_id>/confirm")
@bp.response(200, held_schemas.CaseRequestOut)
def confirm_request(request_id):
    """Hand the case to the offender manager who asked (the team holding the person only)."""
    request = _team_request_or_404(request_id)
    arrest_referral.answer_request(request, confirm=True, by=current_staff(), now=utcnow())
    db.session.commit()
    return request


@bp.post("/case-requests/<int:request_id>/decline")
@bp.response(200, held_schemas.CaseRequestOut)
def decline_request(request_id):
    """Keep the person: decline an offender manager's request (the team holding the person only)."""
    request = _team_request_or_404(request_id)
    arrest_referral.answer_request(request, confirm=False, by=current_staff(), now=utcnow())
    db.session.commit()
    return request
