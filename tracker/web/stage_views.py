"""Recording the next stage (only the kinds allowed next are offered) and changing release dates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from tracker.clock import local_today
from tracker.pathway import schemas, service, stages
from tracker.pathway.access import holding_establishment_only, person_or_404, record_or_404
from tracker.pathway.dates import RELEASE_DATE_KINDS
from tracker.pathway.models import Person, Stage
from tracker.types import utcnow
from tracker.web import formkit
from tracker.web.audited import shown
from tracker.web.blueprint import staff
from tracker.web.labels import choices, label
from tracker.web.routes import Routes
from tracker.web.stage_forms import (
    ALIASES,
    fill_team_choices,
    hearing_needs_time,
    release_dates_form,
    stage_form,
    stage_payload,
)

routes = Routes()


STAGE_IN = schemas.StageIn()
RELEASE_DATES_IN = schemas.ReleaseDatesIn()


class KindForm(FlaskForm):
    """The kind of the next stage, from those allowed next."""

    kind = RadioField(
        "What is the next stage?",
        widget=formkit.Radios(),
        validators=[InputRequired("Select the next stage")],
    )


def _allowed(person: Person) -> tuple[str | None, tuple[str, ...]]:
    pathway = person.open_pathway
    current = pathway.current_stage if pathway else None
    return (current.kind if current else None), stages.allowed_next(current.kind if current else None)


@routes.route("/people/<int:person_id>/stages/new", methods=["GET", "POST"])
def new_stage(person_id: int) -> ResponseReturnValue:
    """Choose the next stage's kind, from the kinds allowed after the current one."""
    now = utcnow()
    person = person_or_404(staff(), person_id, "stage", today=local_today(now))
    current, allowed = _allowed(person)
    form = KindForm()
    form.kind.choices = choices(allowed)
    asked = request.args.get("kind")
    if asked and asked not in allowed:
        # Someone followed a link to a kind not allowed now: say what is, in the domain's words.
        form.form_problems = (
            [str(stages.TransitionRefused(current, asked, allowed))] if asked in stages.KINDS else []
        )
    elif form.validate_on_submit():
        return redirect(url_for("web.new_stage_of_kind", person_id=person.id, kind=form.kind.data))
    shown(staff(), person.id)
    return render_template(
        "form_page.html",
        title="Record the next stage",
        form=form,
        submit_text="Continue",
        caption=f"{person.given_name} {person.family_name}",
        back_href=url_for("web.person", person_id=person.id),
        intro=f"Current stage: {label(current)}." if current else "No open pathway: this stage starts one.",
    ), formkit.status(form)


@routes.route("/people/<int:person_id>/stages/new/<kind>", methods=["GET", "POST"])
def new_stage_of_kind(person_id: int, kind: str) -> ResponseReturnValue:
    """The fields of a stage of this kind; the same service as the API records it."""
    me, now = staff(), utcnow()
    person = person_or_404(me, person_id, "stage", today=local_today(now))
    if kind not in stages.KINDS or (request.method == "GET" and kind not in _allowed(person)[1]):
        return redirect(url_for("web.new_stage", person_id=person.id, kind=kind))
    form = stage_form(kind, ends_atr=_allowed(person)[0] == "atr")()
    fill_team_choices(form)
    if form.validate_on_submit() and not hearing_needs_time(form):
        data = formkit.load(STAGE_IN, stage_payload(form, kind), form, ALIASES)
        if data is not None and formkit.succeeded(
            form, lambda: service.add_stage(person, data, by=me, now=now), ALIASES
        ):
            flash(f"{label(kind)} stage recorded.", "success")
            return redirect(url_for("web.person", person_id=person.id))
    shown(me, person.id)
    return render_template(
        "form_page.html",
        title=f"Record a stage: {label(kind)}",
        form=form,
        submit_text="Record the stage",
        caption=f"{person.given_name} {person.family_name}",
        back_href=url_for("web.new_stage", person_id=person.id),
    ), formkit.status(form)


@routes.route("/stages/<int:stage_id>/release-dates", methods=["GET", "POST"])
def release_dates(stage_id: int) -> ResponseReturnValue:
    """Change a custody stage's official release dates; an emptied date is removed."""
    me, now = staff(), utcnow()
    stage, person = record_or_404(me, Stage, stage_id, "release_dates", today=local_today(now))
    holding_establishment_only(me, stage.establishment_team_id, "these release dates")
    form = release_dates_form()(data={**stage.release_date_map(), "release_source": "manual entry"})
    if form.validate_on_submit():
        values = {kind: form._fields[kind].data for kind in RELEASE_DATE_KINDS}
        raw = formkit.payload(values | {"source": form.release_source.data}, keep_none=RELEASE_DATE_KINDS)
        data = formkit.load(RELEASE_DATES_IN, raw, form, ALIASES)
        if data is not None and formkit.succeeded(
            form, lambda: service.update_release_dates(stage, data, by=me, now=now), ALIASES
        ):
            flash("Release dates saved.", "success")
            return redirect(url_for("web.person", person_id=person.id))
    shown(me, person.id, stage)
    return render_template(
        "form_page.html",
        title="Change release dates",
        form=form,
        submit_text="Save release dates",
        caption=f"{person.given_name} {person.family_name}",
        back_href=url_for("web.person", person_id=person.id),
        intro="Enter the dates from the sentence calculation. Leave a date empty to remove it.",
    ), formkit.status(form)
