"""The AUDIT (score, zone and action shown after) and consent to texts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from tracker.extensions import db
from tracker.pathway import care, schemas, service
from tracker.pathway.access import person_or_404
from tracker.pathway.models import Screening
from tracker.web import formkit
from tracker.web.blueprint import bp, staff
from tracker.web.care_forms import AUDIT_ALIASES, ConsentForm, audit_form

SCREENING_IN = schemas.ScreeningIn()
PERSON_PATCH = schemas.PersonPatch(partial=True)


@bp.route("/people/<int:person_id>/screenings/audit", methods=["GET", "POST"])
def audit_screening(person_id: int) -> ResponseReturnValue:
    """Ask the ten AUDIT questions; the same scoring as the API gives the score, zone and action."""
    me = staff()
    person = person_or_404(me, person_id, "screening")
    form = audit_form()()
    if form.validate_on_submit():
        answers = [int(form._fields[f"q{n}"].data) for n in range(1, 11)]
        data = formkit.load(SCREENING_IN, {"tool": "audit", "answers": answers}, form, AUDIT_ALIASES)
        row = data and formkit.attempt(
            form, lambda: care.record_screening(person, data, by=me), AUDIT_ALIASES
        )
        if row:
            return redirect(url_for("web.screening_result", person_id=person.id, screening_id=row.id))
    return render_template(
        "form_page.html",
        title="AUDIT screening",
        form=form,
        submit_text="Score the AUDIT",
        caption=f"{person.given_name} {person.family_name}",
        back_href=url_for("web.person", person_id=person.id),
        intro="Ask each question as written and choose the answer the person gives.",
    ), formkit.status(form)


@bp.get("/people/<int:person_id>/screenings/<int:screening_id>")
def screening_result(person_id: int, screening_id: int) -> ResponseReturnValue:
    """A screening's score, zone and what to do."""
    person = person_or_404(staff(), person_id)
    row = db.session.get(Screening, screening_id)
    if row is None or row.person_id != person.id:
        abort(404)
    return render_template(
        "screening.html",
        title="AUDIT result",
        person=person,
        screening=row,
        back_href=url_for("web.person", person_id=person.id),
    )


@bp.route("/people/<int:person_id>/consent", methods=["GET", "POST"])
def consent(person_id: int) -> ResponseReturnValue:
    """Record the mobile number and consent to texts, or an opt-out; each change is kept as history."""
    me = staff()
    person = person_or_404(me, person_id, "person")
    form = ConsentForm(data={"mobile": person.mobile, "sms_consent": "yes" if person.sms_consent else "no"})
    if form.validate_on_submit():
        raw = {
            "mobile": (form.mobile.data or "").strip() or None,
            "sms_consent": form.sms_consent.data == "yes",
        }
        data = formkit.load(PERSON_PATCH, raw, form)
        if data is not None and formkit.attempt(form, lambda: service.update_person(person, data, by=me)):
            flash(
                "Consent to texts recorded." if data["sms_consent"] else "Opt-out from texts recorded.",
                "success",
            )
            return redirect(url_for("web.person", person_id=person.id))
    return render_template(
        "form_page.html",
        title="Consent to texts",
        form=form,
        submit_text="Save",
        caption=f"{person.given_name} {person.family_name}",
        back_href=url_for("web.person", person_id=person.id),
        intro="Texts remind people of appointments and their release day. They need a mobile and consent.",
    ), formkit.status(form)
