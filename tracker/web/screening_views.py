"""Screenings (AUDIT, AUDIT-C, FAST: score, zone, action and what was done) and consent to texts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from tracker import audit
from tracker.clock import local_today
from tracker.extensions import db
from tracker.pathway import care, schemas, service
from tracker.pathway.access import clinical_access, clinical_read, person_or_404
from tracker.pathway.models import Screening
from tracker.pathway.screening import AUDIT_SCALES, TOOL_QUESTIONS
from tracker.privacy import need_label, withheld
from tracker.types import utcnow
from tracker.web import formkit
from tracker.web.audited import shown
from tracker.web.blueprint import staff
from tracker.web.care_forms import ConsentForm, answer_aliases, answers, screening_form
from tracker.web.routes import Routes

routes = Routes()


SCREENING_IN = schemas.ScreeningIn()
# The highest score each tool can give (40, 12, 16), shown as "out of".
MAXIMUM_SCORES = {
    tool: sum(max(AUDIT_SCALES[question - 1]) for question in questions)
    for tool, questions in TOOL_QUESTIONS.items()
}
PERSON_PATCH = schemas.PersonPatch(partial=True)


TOOL_NAMES = {"audit": "AUDIT", "audit_c": "AUDIT-C", "fast": "FAST"}
INTROS = {
    "audit": "Ask each question as written and choose the answer the person gives.",
    "audit_c": "The first three AUDIT questions. A score of 5 or more calls for the full AUDIT.",
    "fast": "Four AUDIT questions. If the answer to the first is never, the screen is negative.",
}


@routes.route("/people/<int:person_id>/screenings/<any(audit, audit_c, fast):tool>", methods=["GET", "POST"])
def screen(person_id: int, tool: str) -> ResponseReturnValue:
    """Ask a tool's questions and what was done; the API's scoring gives the score, zone and action."""
    me, now = staff(), utcnow()
    person = person_or_404(me, person_id, "screening", today=local_today(now))
    form = screening_form(tool)()
    aliases = answer_aliases(tool)
    if form.validate_on_submit():
        raw = {"tool": tool, "answers": answers(form, tool), "intervention": form.intervention.data}
        data = formkit.load(SCREENING_IN, raw, form, aliases)
        row = data and formkit.attempt(
            form, lambda: care.record_screening(person, data, by=me, now=now), aliases
        )
        if row:
            return redirect(url_for("web.screening_result", person_id=person.id, screening_id=row.id))
    shown(me, person.id)
    return render_template(
        "form_page.html",
        title=f"{TOOL_NAMES[tool]} screening",
        form=form,
        submit_text=f"Score the {TOOL_NAMES[tool]}",
        caption=f"{person.given_name} {person.family_name}",
        back_href=url_for("web.person", person_id=person.id),
        intro=INTROS[tool],
    ), formkit.status(form)


@routes.get("/people/<int:person_id>/screenings/<int:screening_id>")
def screening_result(person_id: int, screening_id: int) -> ResponseReturnValue:
    """A screening's score, zone, what to do and what was done; without a care relationship, the need."""
    me, now = staff(), utcnow()
    person = person_or_404(me, person_id, today=local_today(now))
    row = db.session.get(Screening, screening_id)
    if row is None or row.person_id != person.id or withheld(row.kept_for_team_id, me.team_id):
        abort(404)
    clinical = clinical_access(me, person, local_today(now))
    audit.record(me.id, "view", row, person_id=person.id, **clinical_read(clinical))
    db.session.commit()
    return render_template(
        "screening.html",
        clinical=clinical,
        need=need_label(row.tool, row.zone, row.positive),
        title=f"{TOOL_NAMES.get(row.tool, row.tool)} result",
        tool_name=TOOL_NAMES.get(row.tool, row.tool),
        most=MAXIMUM_SCORES.get(row.tool),
        person=person,
        screening=row,
        back_href=url_for("web.person", person_id=person.id),
    )


@routes.route("/people/<int:person_id>/consent", methods=["GET", "POST"])
def consent(person_id: int) -> ResponseReturnValue:
    """Record the mobile number and consent to texts, or an opt-out; each change is kept as history."""
    me, now = staff(), utcnow()
    person = person_or_404(me, person_id, "person", today=local_today(now))
    form = ConsentForm(data={"mobile": person.mobile, "sms_consent": "yes" if person.sms_consent else "no"})
    if form.validate_on_submit():
        raw = {
            "mobile": (form.mobile.data or "").strip() or None,
            "sms_consent": form.sms_consent.data == "yes",
        }
        data = formkit.load(PERSON_PATCH, raw, form)
        if data is not None and formkit.succeeded(
            form, lambda: service.update_person(person, data, by=me, now=now)
        ):
            flash(
                "Consent to texts recorded." if data["sms_consent"] else "Opt-out from texts recorded.",
                "success",
            )
            return redirect(url_for("web.person", person_id=person.id))
    shown(me, person.id)
    return render_template(
        "form_page.html",
        title="Consent to texts",
        form=form,
        submit_text="Save",
        caption=f"{person.given_name} {person.family_name}",
        back_href=url_for("web.person", person_id=person.id),
        intro="Texts remind people of appointments and their release day. They need a mobile and consent.",
    ), formkit.status(form)
