"""Adding a person by hand: an offender manager, the API's fields and rules, and a check for a match.

The form's values go through the API's schema (PersonIn) and the same use case (create_person), so a
CRN or prison number someone already has is refused by the same words. Someone outside the caseload
with the same name and date of birth is a warning that says only that a possible match exists; the
person is added once the offender manager confirms.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from tracker.extensions import db
from tracker.pathway import matches, service
from tracker.pathway.equality import ETHNIC_GROUPS, SEXES
from tracker.pathway.schemas import PersonIn
from tracker.types import utcnow
from tracker.web import formkit
from tracker.web.blueprint import roles, staff
from tracker.web.labels import options
from tracker.web.routes import Routes

routes = Routes()
PERSON_IN = PersonIn()
POSSIBLE_MATCH = "A possible match exists outside your caseload."
YES_NO = options([("yes", "Yes"), ("no", "No")])
SEX_LABELS = {"female": "Female", "male": "Male", "other": "Other", "not_stated": "Not stated"}
# The ONS 2021 census categories for England and Wales, in the words of the census question.
ETHNIC_GROUP_LABELS = {
    "asian_bangladeshi": "Asian, Asian British or Asian Welsh: Bangladeshi",
    "asian_chinese": "Asian, Asian British or Asian Welsh: Chinese",
    "asian_indian": "Asian, Asian British or Asian Welsh: Indian",
    "asian_pakistani": "Asian, Asian British or Asian Welsh: Pakistani",
    "asian_other": "Asian, Asian British or Asian Welsh: any other Asian background",
    "black_african": "Black, Black British, Black Welsh, Caribbean or African: African",
    "black_caribbean": "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    "black_other": "Black, Black British, Black Welsh, Caribbean or African: any other background",
    "mixed_white_asian": "Mixed or multiple ethnic groups: White and Asian",
    "mixed_white_black_african": "Mixed or multiple ethnic groups: White and Black African",
    "mixed_white_black_caribbean": "Mixed or multiple ethnic groups: White and Black Caribbean",
    "mixed_other": "Mixed or multiple ethnic groups: any other background",
    "white_british": "White: English, Welsh, Scottish, Northern Irish or British",
    "white_irish": "White: Irish",
    "white_gypsy_irish_traveller": "White: Gypsy or Irish Traveller",
    "white_roma": "White: Roma",
    "white_other": "White: any other White background",
    "other_arab": "Other ethnic group: Arab",
    "other_any": "Other ethnic group: any other ethnic group",
    "not_stated": "Not stated",
}
NOT_RECORDED = ("", "Not recorded")


def _text(label: str, hint: str = "", width: str = "") -> StringField:
    params = {"classes": width} if width else {}
    return StringField(
        label, widget=GovTextInput(), description=hint, validators=[Optional()], render_kw={"params": params}
    )


class PersonForm(FlaskForm):
    given_name = _text("Given name")
    family_name = _text("Family name")
    date_of_birth = formkit.DateField("Date of birth (optional)", description="For example, 2 4 1985")
    crn = _text("Case reference number (CRN, optional)", "For example, X123456", "govuk-input--width-10")
    prison_number = _text("Prison number (optional)", "For example, A1234BC", "govuk-input--width-10")
    mobile = _text("Mobile number (optional)", "For example, 07911 123456", "govuk-input--width-20")
    sms_consent = RadioField(
        "Do they agree to reminders by text?",
        widget=formkit.Radios(),
        choices=options([("yes", "Yes, they agree"), ("no", "No")]),
        validators=[InputRequired("Select whether they agree to texts")],
        default="no",
    )
    alcohol_need = RadioField(
        "Do they have an alcohol need?",
        widget=formkit.Radios(),
        choices=YES_NO,
        validators=[InputRequired("Select whether they have an alcohol need")],
    )
    language = RadioField(
        "Language for texts",
        widget=formkit.Radios(),
        choices=options([("en", "English"), ("cy", "Welsh")]),
        default="en",
        validators=[InputRequired("Select a language")],
    )
    sex = SelectField(
        "Sex (optional)",
        widget=GovSelect(),
        description="For equality monitoring: used only in reports that name nobody.",
        choices=options([NOT_RECORDED, *((code, SEX_LABELS[code]) for code in SEXES)]),
        validators=[Optional()],
    )
    ethnic_group = SelectField(
        "Ethnic group (optional)",
        widget=GovSelect(),
        description="For equality monitoring: used only in reports that name nobody.",
        choices=options([NOT_RECORDED, *((code, ETHNIC_GROUP_LABELS[code]) for code in ETHNIC_GROUPS)]),
        validators=[Optional()],
    )
    confirm_match = BooleanField(
        "I have checked: this is not the same person", widget=formkit.Checkbox(), validators=[Optional()]
    )


def _values(form: PersonForm) -> dict[str, object]:
    raw = formkit.payload(
        {
            "given_name": (form.given_name.data or "").strip(),
            "family_name": (form.family_name.data or "").strip(),
            "date_of_birth": form.date_of_birth.data,
            "crn": (form.crn.data or "").strip().upper(),
            "prison_number": (form.prison_number.data or "").strip().upper(),
            "mobile": (form.mobile.data or "").strip(),
            "sex": form.sex.data,
            "ethnic_group": form.ethnic_group.data,
        }
    )
    return raw | {
        "sms_consent": form.sms_consent.data == "yes",
        "alcohol_need": form.alcohol_need.data == "yes",
        "language": form.language.data,
    }


@routes.route("/people/new", methods=["GET", "POST"])
@roles("offender_manager")
def add_person() -> ResponseReturnValue:
    """Add a person to your caseload, after a check for someone with the same name and date of birth."""
    me = staff()
    form = PersonForm()
    warning = None
    if form.validate_on_submit():
        data = formkit.load(PERSON_IN, _values(form), form)
        if data is not None:
            found = matches.possible_matches(
                data["given_name"], data["family_name"], data.get("date_of_birth"), me
            )
            if found and not form.confirm_match.data:
                db.session.commit()  # the check's audit entry
                warning = POSSIBLE_MATCH
            else:
                person = formkit.attempt(form, lambda: service.create_person(data, by=me, now=utcnow()))
                if person is not None:
                    flash(f"{person.given_name} {person.family_name} added to your caseload.", "success")
                    return redirect(url_for("web.person", person_id=person.id))
    return render_template(
        "add_person.html", title="Add a person", form=form, warning=warning
    ), 200 if warning else formkit.status(form)
