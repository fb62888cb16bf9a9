"""The form for each stage kind, built from the API schema's table of which fields each kind has."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from sqlalchemy import select
from wtforms import BooleanField, Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from tracker.auth.models import Team
from tracker.clock import zone
from tracker.extensions import db
from tracker.pathway.dates import RELEASE_DATE_KINDS
from tracker.pathway.schemas import KIND_FIELDS, REQUIRED_FIELDS
from tracker.pathway.stages import ATR_EXIT_REASONS, CLOSED_REASONS
from tracker.web import formkit
from tracker.web.labels import KEY_DATES, choices, options

SUPERVISION_PSS = "Post-sentence supervision (to the top-up supervision expiry date)"
YES_NO = options([("yes", "Yes"), ("no", "No")])
# Each field a stage form can show: (field class, label, hint, widget, extra keyword arguments).
FIELDS: dict[str, tuple[type[Field], str, str, Any, dict[str, Any]]] = {
    "start_on": (formkit.DateField, "Start date", "For example, 27 3 2026", None, {}),
    "expected_end_on": (formkit.DateField, "Expected end date (optional)", "", None, {}),
    "referrer_team_id": (SelectField, "Referring team", "", GovSelect(), {}),
    "custody_suite": (StringField, "Custody suite", "", GovTextInput(), {}),
    "arrest_referral": (
        RadioField,
        "Was an arrest referral made?",
        "",
        formkit.Radios(),
        {"choices": YES_NO},
    ),
    "court": (StringField, "Court", "For example, Bristol Magistrates", GovTextInput(), {}),
    "remanded": (
        RadioField,
        "Is the person held on remand?",
        "Answer no when a court releases someone who was on remand: that day is their release",
        formkit.Radios(),
        {"choices": YES_NO},
    ),
    "next_hearing_on": (formkit.DateField, "Date of the next hearing (optional)", "", None, {}),
    "next_hearing_time": (
        formkit.TimeField,
        "Time of the next hearing",
        "For example, 10:00 or 2pm",
        GovTextInput(),
        {},
    ),
    "order_type": (
        RadioField,
        "Type of order",
        "",
        formkit.Radios(),
        {"choices": choices(("community_order", "suspended_sentence"))},
    ),
    "order_end_on": (
        formkit.DateField,
        "Date the order ends",
        "Community orders only; at most 3 years after it starts",
        None,
        {},
    ),
    "operational_end_on": (
        formkit.DateField,
        "Date the operational period ends",
        "Suspended sentence orders only",
        None,
        {},
    ),
    "supervision_type": (
        RadioField,
        "Supervision after release",
        "",
        formkit.Radios(),
        {"choices": options([("licence", "Licence"), ("post_sentence_supervision", SUPERVISION_PSS)])},
    ),
    "supervision_end_on": (formkit.DateField, "Date the supervision period ends", "", None, {}),
    "atr_end_on": (formkit.DateField, "Date the ATR ends", "", None, {}),
    "treatment_team_id": (SelectField, "Treatment provider", "", GovSelect(), {}),
    "dependency_assessed": (
        BooleanField,
        "A dependency assessment shows the person is dependent on alcohol and may be treated",
        "",
        formkit.Checkbox(),
        {},
    ),
    "consent_recorded": (
        BooleanField,
        "The person has consented to the requirement",
        "",
        formkit.Checkbox(),
        {},
    ),
    "basis": (
        RadioField,
        "Remanded or sentenced?",
        "",
        formkit.Radios(),
        {"choices": choices(("remand", "sentenced"))},
    ),
    "establishment_team_id": (SelectField, "Establishment", "", GovSelect(), {}),
    "sentence_start_on": (formkit.DateField, "Sentence start date", "", None, {}),
    **{kind: (formkit.DateField, KEY_DATES[kind], "", None, {}) for kind in RELEASE_DATE_KINDS},
    "release_source": (
        StringField,
        "Where the release dates come from",
        "For example, the sentence calculation on NOMIS",
        GovTextInput(),
        {},
    ),
    "team_id": (SelectField, "Probation team", "", GovSelect(), {}),
    "reason": (
        RadioField,
        "Why is the pathway closing?",
        "Choose released when custody ends in release without a licence",
        formkit.Radios(),
        {"choices": choices(CLOSED_REASONS)},
    ),
    "note": (TextAreaField, "Anything else worth knowing (optional)", "", GovTextArea(), {}),
    "atr_exit_reason": (
        RadioField,
        "How did the ATR end?",
        "This stage ends the alcohol treatment requirement",
        formkit.Radios(),
        {"choices": choices(ATR_EXIT_REASONS)},
    ),
}
# Form fields standing for one schema field.
EXPANDS = {
    "next_hearing_at": ("next_hearing_on", "next_hearing_time"),
    "release_dates": (*RELEASE_DATE_KINDS, "release_source"),
}
# Extra common fields each kind's form offers, beyond its own.
COMMON = {
    "identified": ("expected_end_on",),
    "arrest": ("expected_end_on",),
    "court": ("expected_end_on",),
    "licence": ("team_id",),
}
# What a required field says when left empty, where "Enter" or "Select" and its label would read badly.
MISSING = {
    "start_on": "Enter the date the stage starts",
    "basis": "Select whether they are remanded or sentenced",
    "establishment_team_id": "Select the establishment",
    "court": "Enter the court",
    "order_type": "Select the type of order",
    "atr_end_on": "Enter the date the ATR ends",
    "treatment_team_id": "Select the treatment provider",
    "reason": "Select why the pathway is closing",
}
TEAM_KINDS = {
    "referrer_team_id": None,
    "treatment_team_id": "treatment",
    "establishment_team_id": "prison",
    "team_id": "probation",
}
ALIASES = {"next_hearing_at": "next_hearing_on", "release_dates.source": "release_source"}


def field_names(kind: str) -> list[str]:
    """The form fields for a stage of this kind, in reading order."""
    wanted = {"start_on", *COMMON.get(kind, ())}
    for name in KIND_FIELDS[kind]:
        wanted.update(EXPANDS.get(name, (name,)))
    return [name for name in FIELDS if name in wanted]


def make_field(name: str, required: bool) -> Any:
    """One field of the table, required or not, with GOV.UK's wording for what is missing."""
    cls, text, hint, widget, extra = FIELDS[name]
    kwargs: dict[str, Any] = {"description": hint, **extra}
    if widget is not None:
        kwargs["widget"] = widget
    verb = "Select" if cls in (SelectField, RadioField) else "Enter"
    if required:
        check = formkit.Required if cls is formkit.DateField else InputRequired
        kwargs["validators"] = [check(MISSING.get(name, f"{verb} {text[0].lower()}{text[1:]}"))]
    elif cls not in (BooleanField, formkit.DateField):
        # Not on dates: Optional would also wipe "must include a month" when only the day is empty.
        kwargs["validators"] = [Optional()]
    return cls(text, **kwargs)


def stage_form(kind: str, ends_atr: bool = False) -> type[FlaskForm]:
    """A form class for a stage of this kind; the schema's required fields are required here.

    A stage that ends an ATR also asks how the ATR ended.
    """
    required = {"start_on", *REQUIRED_FIELDS.get(kind, ())}
    attrs = {name: make_field(name, name in required) for name in field_names(kind)}
    if ends_atr:
        attrs["atr_exit_reason"] = make_field("atr_exit_reason", False)
    return type(f"{kind.title()}StageForm", (FlaskForm,), attrs)


def release_dates_form() -> type[FlaskForm]:
    """A form with every official release date, each optional, and their source."""
    fields = {kind: make_field(kind, False) for kind in (*RELEASE_DATE_KINDS, "release_source")}
    return type("ReleaseDatesForm", (FlaskForm,), fields)


def fill_team_choices(form: FlaskForm) -> None:
    """Offer each team field the teams of the kind it needs, in one query."""
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    for name, kind in TEAM_KINDS.items():
        if name in form._fields:
            fitting = [(str(t.id), t.name) for t in teams if kind is None or t.kind == kind]
            form._fields[name].choices = options([("", "Choose a team"), *fitting])


def stage_payload(form: FlaskForm, kind: str) -> dict[str, Any]:
    """The form's answers as the API's stage schema takes them."""
    data: dict[str, Any] = {"kind": kind}
    release: dict[str, Any] = {}
    for name, field in form._fields.items():
        value = field.data
        if name in RELEASE_DATE_KINDS:
            release[name] = value
        elif name == "release_source":
            release["source"] = value or None
        elif name in TEAM_KINDS:
            data[name] = int(value) if value else None
        elif name in ("arrest_referral", "remanded"):
            data[name] = {"yes": True, "no": False}.get(value)
        elif name == "next_hearing_on" and value and form.next_hearing_time.data:
            data["next_hearing_at"] = datetime.combine(value, form.next_hearing_time.data, zone())
        elif name in FIELDS and name not in ("next_hearing_on", "next_hearing_time"):
            data[name] = value
    out = formkit.payload(data)
    if any(v is not None for k, v in release.items() if k != "source"):
        out["release_dates"] = formkit.payload(release)
    return out


def hearing_needs_time(form: FlaskForm) -> bool:
    """A hearing date without its time: the time field says so."""
    if "next_hearing_on" in form._fields and form.next_hearing_on.data and not form.next_hearing_time.data:
        if not form.next_hearing_time.errors:
            form.next_hearing_time.errors = ["Enter the time of the next hearing"]
        return True
    return False
