"""/api/v1 appointments, referrals and screenings of a person."""

from __future__ import annotations

from datetime import datetime

from flask import jsonify
from flask_smorest import Blueprint
from sqlalchemy import select

from tracker import audit
from tracker.auth.tokens import authenticate_bearer, current_staff
from tracker.clock import local_today
from tracker.extensions import db
from tracker.paging import page_of, paginated
from tracker.pathway import care, schemas, sharing
from tracker.pathway.access import (
    clinical_access,
    clinical_read,
    own_team_only,
    owning_team_or_manager,
    person_or_404,
    record_or_404,
)
from tracker.pathway.models import Appointment, Person, Referral, Screening
from tracker.types import utcnow

bp = Blueprint("care", __name__, url_prefix="/api/v1", description="Appointments, referrals and screenings.")
bp.before_request(authenticate_bearer)


def _rows(model, person: Person, order_by, pagination, *where):
    """One page of the person's records of this kind, in order (the id breaks ties)."""
    query = select(model).where(model.person_id == person.id, *where).order_by(order_by, model.id)
    return page_of(query, pagination)


def _listed(model, person_id: int, order_by, pagination):
    staff = current_staff()
    person = person_or_404(staff, person_id, today=local_today())
    rows = _rows(model, person, order_by, pagination)
    audit.record(staff.id, "view", subject_type=model.__tablename__, person_id=person.id)
    db.session.commit()
    return rows


# Screenings and referrals hold clinical detail: the full schema for a care relationship, else the
# need-only one (tracker/privacy.py). The documents name both shapes.
REFERRAL_OUT, REFERRAL_NEED_OUT = schemas.ReferralOut(), schemas.ReferralNeedOut()
SCREENING_OUT, SCREENING_NEED_OUT = schemas.ScreeningOut(), schemas.ScreeningNeedOut()


def _either(full: type, need_only: type, many: bool = False) -> dict:
    shape = {"anyOf": [full, need_only]}
    return {"type": "array", "items": shape} if many else shape


def _clinical(staff, person: Person, now: datetime) -> bool:
    return clinical_access(staff, person, local_today(now))


def _for_caller(full, need_only, data, clinical: bool, status: int = 200, many: bool = False):
    """The answer in the full shape for a care relationship, else in the need-only one."""
    return jsonify((full if clinical else need_only).dump(data, many=many)), status


def _clinical_listed(model, person_id: int, order_by, full, need_only, pagination):
    """A list holding clinical detail, read as the caller may see it; its view entry says which."""
    staff, now = current_staff(), utcnow()
    person = person_or_404(staff, person_id, today=local_today(now))
    # What a holding team kept without the person's consent to share is not there for anyone else.
    rows = _rows(model, person, order_by, pagination, sharing.shown_to(model, staff))
    clinical = _clinical(staff, person, now)
    table = model.__tablename__
    audit.record(staff.id, "view", subject_type=table, person_id=person.id, **clinical_read(clinical))
    db.session.commit()
    return _for_caller(full, need_only, rows, clinical, many=True)


@bp.get("/people/<int:person_id>/appointments")
@bp.response(200, schemas.AppointmentOut(many=True))
@paginated(bp)
def list_appointments(pagination_parameters, person_id):
    """The person's appointments, soonest first."""
    return _listed(Appointment, person_id, Appointment.starts_at, pagination_parameters)


@bp.post("/people/<int:person_id>/appointments")
@bp.arguments(schemas.AppointmentIn)
@bp.response(201, schemas.AppointmentOut)
def book_appointment(data, person_id):
    """Book an appointment."""
    staff, now = current_staff(), utcnow()
    person = person_or_404(staff, person_id, "appointment", today=local_today(now))
    own_team_only(staff, data.get("team_id"), "appointments")
    appointment = care.book_appointment(person, data, by=staff, now=now)
    db.session.commit()
    return appointment


@bp.patch("/appointments/<int:appointment_id>")
@bp.arguments(schemas.AppointmentPatch)
@bp.response(200, schemas.AppointmentOut)
def update_appointment(data, appointment_id):
    """Record an appointment's outcome (a missed one with its absence), settle its absence, or move it."""
    staff, now = current_staff(), utcnow()
    appointment, person = record_or_404(
        staff, Appointment, appointment_id, "appointment", today=local_today(now)
    )
    owning_team_or_manager(staff, appointment, person)
    care.update_appointment(appointment, data, by=staff, now=now)
    db.session.commit()
    return appointment


@bp.get("/people/<int:person_id>/referrals")
@bp.response(200, _either(schemas.ReferralOut, schemas.ReferralNeedOut, many=True))
@paginated(bp)
def list_referrals(pagination_parameters, person_id):
    """The person's referrals, oldest first.

    Reasons only for a care relationship (the offender manager's team, a treatment team with a live
    referral or an ATR in force); anyone else gets the need-only shape.
    """
    return _clinical_listed(
        Referral, person_id, Referral.made_at, REFERRAL_OUT, REFERRAL_NEED_OUT, pagination_parameters
    )


@bp.post("/people/<int:person_id>/referrals")
@bp.arguments(schemas.ReferralIn)
@bp.response(201, _either(schemas.ReferralOut, schemas.ReferralNeedOut))
def make_referral(data, person_id):
    """Refer the person to a team."""
    staff, now = current_staff(), utcnow()
    person = person_or_404(staff, person_id, "referral", today=local_today(now))
    referral = care.make_referral(person, data, by=staff, now=now)
    db.session.commit()
    return _for_caller(REFERRAL_OUT, REFERRAL_NEED_OUT, referral, _clinical(staff, person, now), 201)


@bp.patch("/referrals/<int:referral_id>")
@bp.arguments(schemas.ReferralPatch)
@bp.response(200, _either(schemas.ReferralOut, schemas.ReferralNeedOut))
def update_referral(data, referral_id):
    """Move a referral on (accepted, declined, started, ended) and/or correct its kind."""
    staff, now = current_staff(), utcnow()
    referral, person = record_or_404(staff, Referral, referral_id, "referral_status", today=local_today(now))
    own_team_only(staff, referral.to_team_id, "referrals")
    care.update_referral(referral, data, by=staff, now=now)
    db.session.commit()
    # Declining or ending a referral ends the care relationship it made: the answer says so at once.
    return _for_caller(REFERRAL_OUT, REFERRAL_NEED_OUT, referral, _clinical(staff, person, now))


@bp.get("/people/<int:person_id>/screenings")
@bp.response(200, _either(schemas.ScreeningOut, schemas.ScreeningNeedOut, many=True))
@paginated(bp)
def list_screenings(pagination_parameters, person_id):
    """The person's screenings, oldest first.

    Answers, scores, zones and actions only for a care relationship (the offender manager's team, a
    treatment team with a live referral or an ATR in force); anyone else gets the need-only shape.
    """
    return _clinical_listed(
        Screening, person_id, Screening.screened_at, SCREENING_OUT, SCREENING_NEED_OUT, pagination_parameters
    )


@bp.post("/people/<int:person_id>/screenings")
@bp.arguments(schemas.ScreeningIn)
@bp.response(201, _either(schemas.ScreeningOut, schemas.ScreeningNeedOut))
def record_screening(data, person_id):
    """Score and keep a screening (AUDIT, AUDIT-C or FAST)."""
    staff, now = current_staff(), utcnow()
    person = person_or_404(staff, person_id, "screening", today=local_today(now))
    row = care.record_screening(person, data, by=staff, now=now)
    db.session.commit()
    return _for_caller(SCREENING_OUT, SCREENING_NEED_OUT, row, _clinical(staff, person, now), 201)
