"""Booking, moving and recording appointments; making and updating referrals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from tracker.auth.models import Team
from tracker.clock import local_today, zone
from tracker.extensions import db
from tracker.pathway import care, enforcement, referrals, schemas
from tracker.pathway.access import own_team_only, owning_team_or_manager, person_or_404, record_or_404
from tracker.pathway.models import Appointment, Person, Referral
from tracker.types import utcnow
from tracker.web import formkit
from tracker.web.audited import shown
from tracker.web.blueprint import staff
from tracker.web.care_forms import (
    AbsenceForm,
    AppointmentForm,
    MoveForm,
    OutcomeForm,
    ReferralForm,
    ReferralUpdateForm,
    starts_at,
    team_choices,
)
from tracker.web.labels import ABSENCES, choices, label
from tracker.web.routes import Routes

routes = Routes()

APPOINTMENT_IN = schemas.AppointmentIn()
APPOINTMENT_PATCH = schemas.AppointmentPatch()
REFERRAL_IN = schemas.ReferralIn()
REFERRAL_PATCH = schemas.ReferralPatch()
WHEN_ALIASES = {"starts_at": "day"}


def _teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def _back(person: Person) -> str:
    return url_for("web.person", person_id=person.id)


def _caption(person: Person) -> str:
    return f"{person.given_name} {person.family_name}"


@routes.route("/people/<int:person_id>/appointments/new", methods=["GET", "POST"])
def new_appointment(person_id: int) -> ResponseReturnValue:
    """Book an appointment; a treatment service books only its own."""
    me, now = staff(), utcnow()
    person = person_or_404(me, person_id, "appointment", today=local_today(now))
    form = AppointmentForm(team_id=str(me.team_id))
    own = [t for t in _teams() if me.role != "treatment" or t.id == me.team_id]
    form.team_id.choices = team_choices(own, "No team")
    if form.validate_on_submit():
        raw = formkit.payload(
            {
                "kind": form.kind.data,
                "starts_at": starts_at(form),
                "location_label": form.location_label.data,
                "team_id": int(form.team_id.data or 0) or None,
            }
        )
        data = formkit.load(APPOINTMENT_IN, raw, form, WHEN_ALIASES)
        if data is not None:
            own_team_only(me, data.get("team_id"), "appointments")
            if formkit.attempt(
                form, lambda: care.book_appointment(person, data, by=me, now=now), WHEN_ALIASES
            ):
                flash(f"{label(data['kind'])} booked.", "success")
                return redirect(_back(person))
    shown(me, person.id)
    return render_template(
        "form_page.html",
        title="Book an appointment",
        form=form,
        submit_text="Book the appointment",
        caption=_caption(person),
        back_href=_back(person),
    ), formkit.status(form)


def _appointment(appointment_id: int, now: datetime) -> tuple[Appointment, Person]:
    me = staff()
    appointment, person = record_or_404(
        me, Appointment, appointment_id, "appointment", today=local_today(now)
    )
    owning_team_or_manager(me, appointment, person)
    return appointment, person


@routes.get("/appointments/<int:appointment_id>")
def change_appointment(appointment_id: int) -> ResponseReturnValue:
    """Record an appointment's outcome, or move it; for a missed one, decide its absence."""
    now = utcnow()
    appointment, person = _appointment(appointment_id, now)
    return _change_page(
        appointment,
        person,
        OutcomeForm(),
        MoveForm(data=_when(appointment), prefix="move"),
        AbsenceForm(prefix="absence"),
    )


def _when(appointment: Appointment) -> dict:
    local = appointment.starts_at.astimezone(zone())
    return {"day": local.date(), "at": local.time()}


def _change_page(
    appointment: Appointment,
    person: Person,
    outcome: OutcomeForm,
    move: MoveForm,
    absence: AbsenceForm | None = None,
) -> ResponseReturnValue:

    absence = absence or AbsenceForm(formdata=None, prefix="absence")
    forms = (outcome, move, absence)
    shown(staff(), person.id, appointment)
    return render_template(
        "appointment.html",
        title=f"{label(appointment.kind)}",
        appointment=appointment,
        person=person,
        outcome_form=outcome,
        move_form=move,
        absence_form=absence,
        absence_open=appointment.outcome == "missed" and not enforcement.is_settled(appointment.absence),
        absences=ABSENCES,
        errors=[item for form in forms for item in formkit.error_list(form)],
        back_href=_back(person),
    ), max(formkit.status(form) for form in forms)


@routes.post("/appointments/<int:appointment_id>/outcome")
def appointment_outcome(appointment_id: int) -> ResponseReturnValue:
    """Record that an appointment was attended, missed or cancelled."""
    now = utcnow()
    appointment, person = _appointment(appointment_id, now)
    form = OutcomeForm()
    if form.validate_on_submit():
        raw = {"outcome": form.outcome.data}
        # The absence radios sit under "Missed": a choice left there under another outcome is not sent.
        if form.outcome.data == "missed" and form.absence.data:
            raw["absence"] = form.absence.data
        data = formkit.load(APPOINTMENT_PATCH, raw, form)
        if data is not None and formkit.succeeded(
            form, lambda: care.update_appointment(appointment, data, staff(), now)
        ):
            flash(_recorded(appointment), "success")
            return redirect(_back(person))
    return _change_page(appointment, person, form, MoveForm(formdata=None, prefix="move"))


@routes.post("/appointments/<int:appointment_id>/absence")
def appointment_absence(appointment_id: int) -> ResponseReturnValue:
    """Decide whether a missed appointment's absence was acceptable (once; a warning may follow)."""
    now = utcnow()
    appointment, person = _appointment(appointment_id, now)
    form = AbsenceForm(prefix="absence")
    if form.validate_on_submit():
        data = formkit.load(APPOINTMENT_PATCH, {"absence": form.absence.data}, form)
        if data is not None and formkit.succeeded(
            form, lambda: care.update_appointment(appointment, data, staff(), now)
        ):
            flash(_recorded(appointment), "success")
            return redirect(_back(person))
    return _change_page(
        appointment, person, OutcomeForm(formdata=None), MoveForm(formdata=None, prefix="move"), form
    )


def _recorded(appointment: Appointment) -> str:
    said = f"Appointment recorded as {label(appointment.outcome).lower()}"
    if appointment.outcome == "missed" and appointment.absence:
        said += f": {ABSENCES[appointment.absence].lower()}"
    if appointment.warned_on:
        said += ". A warning is recorded for this unacceptable absence"
    return said + "."


@routes.post("/appointments/<int:appointment_id>/move")
def move_appointment(appointment_id: int) -> ResponseReturnValue:
    """Move an appointment to a new date and time."""
    now = utcnow()
    appointment, person = _appointment(appointment_id, now)
    form = MoveForm(prefix="move")
    if form.validate_on_submit():
        data = formkit.load(
            APPOINTMENT_PATCH, formkit.payload({"starts_at": starts_at(form)}), form, WHEN_ALIASES
        )
        if data is not None and formkit.succeeded(
            form, lambda: care.update_appointment(appointment, data, staff(), now), WHEN_ALIASES
        ):
            flash("Appointment moved.", "success")
            return redirect(_back(person))
    return _change_page(appointment, person, OutcomeForm(formdata=None), form)


@routes.route("/people/<int:person_id>/referrals/new", methods=["GET", "POST"])
def new_referral(person_id: int) -> ResponseReturnValue:
    """Refer the person to a team, usually a community treatment service."""
    me, now = staff(), utcnow()
    person = person_or_404(me, person_id, "referral", today=local_today(now))
    form = ReferralForm()
    teams = sorted(_teams(), key=lambda t: (t.kind != "treatment", t.name))
    form.to_team_id.choices = team_choices(teams, "Choose a team")
    if form.validate_on_submit():
        raw = formkit.payload(
            {"to_team_id": int(form.to_team_id.data), "kind": form.kind.data, "reason": form.reason.data}
        )
        data = formkit.load(REFERRAL_IN, raw, form)
        if data is not None and formkit.succeeded(
            form, lambda: care.make_referral(person, data, by=me, now=now)
        ):
            flash("Referral made.", "success")
            return redirect(_back(person))
    shown(me, person.id)
    return render_template(
        "form_page.html",
        title="Make a referral",
        form=form,
        submit_text="Make the referral",
        caption=_caption(person),
        back_href=_back(person),
    ), formkit.status(form)


@routes.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
def change_referral(referral_id: int) -> ResponseReturnValue:
    """Move a referral on (only the moves its status allows are offered), or correct its kind."""
    me, now = staff(), utcnow()
    referral, person = record_or_404(me, Referral, referral_id, "referral_status", today=local_today(now))
    own_team_only(me, referral.to_team_id, "referrals")
    form = ReferralUpdateForm(kind=referral.kind)
    moves = referrals.NEXT.get(referral.status, ())
    form.status.choices = choices(moves)
    if not moves:
        del form.status, form.treatment_started_on, form.decline_reason
    elif "declined" not in moves:
        del form.decline_reason
    if form.validate_on_submit():
        changes = _referral_changes(form, referral)
        data = formkit.load(REFERRAL_PATCH, changes, form) if changes else _nothing_changed(form)
        if data is not None and formkit.succeeded(
            form, lambda: care.update_referral(referral, data, me, now)
        ):
            flash(f"Referral updated: {_referral_words(referral)}.", "success")
            return redirect(_back(person))
    shown(me, person.id, referral)
    return render_template(
        "form_page.html",
        title="Update the referral",
        form=form,
        submit_text="Save",
        caption=_caption(person),
        back_href=_back(person),
        intro=f"This referral ({label(referral.kind).lower()}) is {label(referral.status).lower()}.",
    ), formkit.status(form)


def _referral_changes(form: ReferralUpdateForm, referral: Referral) -> dict:
    """What the form changes: the status chosen (with its start date), and the kind if it differs."""
    changes = {}
    if "status" in form:
        changes = {"status": form.status.data, "treatment_started_on": form.treatment_started_on.data}
        if "decline_reason" in form and form.status.data == "declined":
            changes["decline_reason"] = form.decline_reason.data
    if form.kind.data != referral.kind:
        changes["kind"] = form.kind.data
    return formkit.payload(changes)


def _nothing_changed(form: ReferralUpdateForm) -> dict[str, Any] | None:
    """No data to send: the form says what to choose."""
    if "status" in form:
        form.status.errors = ["Select what has happened, or correct the kind"]
    else:
        form.kind.errors = ["Select a different kind to correct it"]
    return None


def _referral_words(referral: Referral) -> str:
    return f"{label(referral.kind).lower()}, {label(referral.status).lower()}"
