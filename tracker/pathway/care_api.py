"""/api/v1 appointments, referrals and screenings of a person."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from tracker import audit
from tracker.auth.tokens import authenticate_bearer, current_staff
from tracker.clock import local_today
from tracker.extensions import db
from tracker.pathway import care, schemas
from tracker.pathway.access import own_team_only, person_or_404, record_or_404
from tracker.pathway.models import Appointment, Referral, Screening
from tracker.types import utcnow

bp = Blueprint("care", __name__, url_prefix="/api/v1", description="Appointments, referrals and screenings.")
bp.before_request(authenticate_bearer)


def _listed(model, person_id: int, order_by):
    staff = current_staff()
    person = person_or_404(staff, person_id)
    rows = db.session.scalars(select(model).where(model.person_id == person.id).order_by(order_by)).all()
    audit.record(staff.id, "view", subject_type=model.__tablename__, person_id=person.id)
    db.session.commit()
    return rows


@bp.get("/people/<int:person_id>/appointments")
@bp.response(200, schemas.AppointmentOut(many=True))
def list_appointments(person_id):
    """The person's appointments, soonest first."""
    return _listed(Appointment, person_id, Appointment.starts_at)


@bp.post("/people/<int:person_id>/appointments")
@bp.arguments(schemas.AppointmentIn)
@bp.response(201, schemas.AppointmentOut)
def book_appointment(data, person_id):
    """Book an appointment."""
    staff = current_staff()
    person = person_or_404(staff, person_id, "appointment")
    own_team_only(staff, data.get("team_id"), "appointments")
    appointment = care.book_appointment(person, data, by=staff)
    db.session.commit()
    return appointment


@bp.patch("/appointments/<int:appointment_id>")
@bp.arguments(schemas.AppointmentPatch)
@bp.response(200, schemas.AppointmentOut)
def update_appointment(data, appointment_id):
    """Record an appointment's outcome (attended, missed, cancelled) or move it."""
    staff = current_staff()
    appointment, _ = record_or_404(staff, Appointment, appointment_id, "appointment")
    own_team_only(staff, appointment.team_id, "appointments")
    care.update_appointment(appointment, data, by=staff, now=utcnow())
    db.session.commit()
    return appointment


@bp.get("/people/<int:person_id>/referrals")
@bp.response(200, schemas.ReferralOut(many=True))
def list_referrals(person_id):
    """The person's referrals, oldest first."""
    return _listed(Referral, person_id, Referral.made_at)


@bp.post("/people/<int:person_id>/referrals")
@bp.arguments(schemas.ReferralIn)
@bp.response(201, schemas.ReferralOut)
def make_referral(data, person_id):
    """Refer the person to a team."""
    staff = current_staff()
    referral = care.make_referral(person_or_404(staff, person_id, "referral"), data, by=staff)
    db.session.commit()
    return referral


@bp.patch("/referrals/<int:referral_id>")
@bp.arguments(schemas.ReferralPatch)
@bp.response(200, schemas.ReferralOut)
def update_referral(data, referral_id):
    """Accept, decline or start a referral."""
    staff = current_staff()
    referral, _ = record_or_404(staff, Referral, referral_id, "referral_status")
    own_team_only(staff, referral.to_team_id, "referrals")
    care.update_referral(referral, data, by=staff, today=local_today())
    db.session.commit()
    return referral


@bp.get("/people/<int:person_id>/screenings")
@bp.response(200, schemas.ScreeningOut(many=True))
def list_screenings(person_id):
    """The person's screenings, oldest first."""
    return _listed(Screening, person_id, Screening.screened_at)


@bp.post("/people/<int:person_id>/screenings")
@bp.arguments(schemas.ScreeningIn)
@bp.response(201, schemas.ScreeningOut)
def record_screening(data, person_id):
    """Score and keep a screening (AUDIT, AUDIT-C or FAST)."""
    staff = current_staff()
    row = care.record_screening(person_or_404(staff, person_id, "screening"), data, by=staff)
    db.session.commit()
    return row
