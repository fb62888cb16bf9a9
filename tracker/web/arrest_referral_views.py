"""Arrest referral pages: a treatment team identifies and holds a person; probation takes the case.

The forms go through the API's schemas and the same use cases (tracker/pathway/arrest_referral.py).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy import select

from tracker import audit
from tracker.auth.models import Staff
from tracker.clock import local_today
from tracker.extensions import db
from tracker.pathway import arrest_referral
from tracker.pathway import arrest_referral_schemas as held_schemas
from tracker.pathway.access import NOT_FOUND, person_or_404
from tracker.pathway.models import CaseRequest, Person
from tracker.pathway.scope import may_change
from tracker.types import utcnow
from tracker.web import formkit
from tracker.web.arrest_referral_forms import (
    ALIASES,
    ChargeForm,
    FindHeldForm,
    IdentifyForm,
    ShareConsentForm,
    consent_payload,
    identify_payload,
)
from tracker.web.audited import shown
from tracker.web.blueprint import roles, staff
from tracker.web.routes import Routes

routes = Routes()
IDENTIFY_IN = held_schemas.IdentifyIn()
SHARE_CONSENT_IN = held_schemas.ShareConsentIn()
CHARGE_IN = held_schemas.ChargeIn()
CONSENT_ALIASES = {"consent": "share_consent", "given_on": "consent_given_on", "how": "consent_how"}


@routes.route("/people/identify", methods=["GET", "POST"])
@roles("treatment")
def identify() -> ResponseReturnValue:
    """Add a person met in police custody or identified before any offence, held by your team."""
    me = staff()
    form = IdentifyForm()
    if form.validate_on_submit():
        data = formkit.load(IDENTIFY_IN, identify_payload(form), form, ALIASES)
        if data is not None:
            person = formkit.attempt(
                form, lambda: arrest_referral.identify(data, by=me, now=utcnow()), ALIASES
            )
            if person is not None:
                flash(f"{person.given_name} {person.family_name} added: your team holds them.", "success")
                return redirect(url_for("web.person", person_id=person.id))
    return render_template(
        "form_page.html",
        title="Add a person you identified",
        form=form,
        submit_text="Add the person",
        intro="They have no case reference yet. Your team holds them until probation takes the case.",
        back_href=url_for("web.caseload"),
    ), formkit.status(form)


def _held_by_my_team(me: Staff, person_id: int, what: str) -> Person:
    """The person, if the caller's team holds them; a refused look is still audited (403)."""
    person = person_or_404(me, person_id, today=local_today())
    if not may_change(me, person, what):
        audit.record(me.id, "denied", person, person_id=person.id, page=request.endpoint)
        db.session.commit()
        abort(403, description="Only the treatment team holding the person does this.")
    return person


@routes.route("/people/<int:person_id>/share-consent", methods=["GET", "POST"])
def share_consent(person_id: int) -> ResponseReturnValue:
    """Record whether the person agrees to share their screening and referral with probation."""
    me = staff()
    person = _held_by_my_team(me, person_id, "share_consent")
    form = ShareConsentForm()
    if form.validate_on_submit():
        data = formkit.load(SHARE_CONSENT_IN, consent_payload(form) or {}, form, CONSENT_ALIASES)
        if data is not None and formkit.succeeded(
            form,
            lambda: arrest_referral.record_share_consent(person, data, by=me, now=utcnow()),
            CONSENT_ALIASES,
        ):
            flash("Consent to share with probation recorded.", "success")
            return redirect(url_for("web.person", person_id=person.id))
    shown(me, person.id)
    return render_template(
        "form_page.html",
        title="Consent to share with probation",
        form=form,
        submit_text="Record their answer",
        caption=f"{person.given_name} {person.family_name}",
        back_href=url_for("web.person", person_id=person.id),
    ), formkit.status(form)


@routes.route("/people/<int:person_id>/charge", methods=["GET", "POST"])
def charge(person_id: int) -> ResponseReturnValue:
    """On charge: record the court stage and hand the case to the offender manager."""
    me = staff()
    person = _held_by_my_team(me, person_id, "charge")
    form = ChargeForm()
    if form.validate_on_submit():
        raw = formkit.payload(
            {
                "start_on": form.start_on.data,
                "court": (form.court.data or "").strip(),
                "offender_manager_email": (form.offender_manager_email.data or "").strip(),
            }
        )
        data = formkit.load(CHARGE_IN, raw, form)
        if data is not None and formkit.succeeded(
            form, lambda: arrest_referral.charge(person, data, by=me, now=utcnow())
        ):
            flash("Court stage recorded: probation has the case.", "success")
            return redirect(url_for("web.person", person_id=person.id))
    shown(me, person.id)
    return render_template(
        "form_page.html",
        title="Record the charge",
        form=form,
        submit_text="Record the charge",
        caption=f"{person.given_name} {person.family_name}",
        intro="The offender manager takes the case. Screenings and referral reasons go with it only if "
        "the person agreed to share.",
        back_href=url_for("web.person", person_id=person.id),
    ), formkit.status(form)


@routes.route("/held-people", methods=["GET", "POST"])
@roles("offender_manager")
def held_people() -> ResponseReturnValue:
    """Find someone a treatment team holds, by CRN or by name and date of birth: only who holds them."""
    me = staff()
    form = FindHeldForm()
    found: list[Person] | None = None
    if form.validate_on_submit():
        found = formkit.attempt(
            form,
            lambda: arrest_referral.held_matches(
                me, form.crn.data, form.given_name.data, form.family_name.data, form.date_of_birth.data
            ),
        )
    return render_template(
        "held_people.html",
        title="Find a person held by a treatment team",
        form=form,
        found=found,
        requests=db.session.scalars(arrest_referral.requests_from(me)).all(),
    ), formkit.status(form)


@routes.post("/held-people/<int:person_id>/ask")
@roles("offender_manager")
def ask_for_case(person_id: int) -> ResponseReturnValue:
    """Ask the team holding a person to hand you the case."""
    me, form = staff(), FlaskForm()
    person = db.session.get(Person, person_id)
    if person is None or person.holding_team_id is None:
        abort(404, description=NOT_FOUND)
    if form.validate_on_submit():
        asked = formkit.attempt(form, lambda: arrest_referral.request_case(person, by=me, now=utcnow()))
        if asked is None:
            flash(form.form_problems[0], "important")
        else:
            flash(f"Asked {asked.team.name} to hand you the case.", "success")
    return redirect(url_for("web.held_people"))


@routes.get("/case-requests")
@roles("treatment")
def case_requests() -> ResponseReturnValue:
    """Offender managers' requests to take a case your team holds."""
    me = staff()
    requests = db.session.scalars(arrest_referral.open_requests(me.team_id)).all()
    ids = [r.person_id for r in requests]
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))}
    audit.record_views(me.id, ids, via="case requests")
    db.session.commit()
    return render_template(
        "case_requests.html", title="Requests to take a case", requests=requests, people=people
    )


@routes.post("/case-requests/<int:request_id>/<any(confirm, decline):answer>")
@roles("treatment")
def answer_case_request(request_id: int, answer: str) -> ResponseReturnValue:
    """Confirm (the case moves to the offender manager who asked) or decline a request."""
    me, form = staff(), FlaskForm()
    case_request = db.session.scalar(
        select(CaseRequest).where(CaseRequest.id == request_id, CaseRequest.team_id == me.team_id)
    )
    if case_request is None:
        abort(404, description="No such request to your team.")
    if form.validate_on_submit():
        confirm = answer == "confirm"
        done = formkit.attempt(
            form, lambda: arrest_referral.answer_request(case_request, confirm=confirm, by=me, now=utcnow())
        )
        if done is None:
            flash(form.form_problems[0], "important")
        elif confirm:
            flash(f"{case_request.requested_by.name} has the case now.", "success")
        else:
            flash("Request declined: your team still holds the person.", "success")
    return redirect(url_for("web.case_requests"))
