"""The forms of arrest referral: identifying a person, consent to share, the charge, finding a held person."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from tracker.web import formkit
from tracker.web.labels import options

# Where the schema's nested names land on these flat forms.
ALIASES = {
    "stage.kind": "kind",
    "stage.start_on": "start_on",
    "stage.custody_suite": "custody_suite",
    "stage.arrest_referral": "arrest_referral",
    "share_consent.consent": "share_consent",
    "share_consent.given_on": "consent_given_on",
    "share_consent.how": "consent_how",
}
CONSENT_CHOICES = options(
    [("yes", "Yes, they agree"), ("no", "No, they do not agree"), ("not_asked", "Not asked yet")]
)


def _text(label: str, hint: str = "", required: str = "") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        validators=[InputRequired(required)] if required else [Optional()],
    )


def _given_on() -> formkit.DateField:
    return formkit.DateField("When did they give their answer?", description="For example, 27 11 2026")


def _how() -> StringField:
    return _text("How did they give it?", "For example, signed form in the custody suite")


class IdentifyForm(FlaskForm):
    given_name = _text("Given name", required="Enter their given name")
    family_name = _text("Family name", required="Enter their family name")
    date_of_birth = formkit.DateField("Date of birth (optional)", description="For example, 2 4 1985")
    kind = RadioField(
        "Where did you meet them?",
        widget=formkit.Radios(),
        choices=options(
            [("arrest", "In police custody (arrest)"), ("identified", "Identified before any offence")]
        ),
        validators=[InputRequired("Select where you met them")],
    )
    start_on = formkit.DateField("On what date?", validators=[formkit.Required("Enter the date")])
    custody_suite = _text("Custody suite (arrest only)", "For example, Patchway custody suite")
    arrest_referral = RadioField(
        "Was an arrest referral made? (arrest only)",
        widget=formkit.Radios(),
        choices=options([("yes", "Yes"), ("no", "No")]),
        validators=[Optional()],
    )
    referral_reason = TextAreaField(
        "Why is your service taking them on? (optional)",
        widget=GovTextArea(),
        description="Clinical detail: probation sees it only if they agree to share.",
        validators=[Optional()],
    )
    share_consent = RadioField(
        "Do they agree to share their screening and referral with probation?",
        widget=formkit.Radios(),
        choices=CONSENT_CHOICES,
        validators=[InputRequired("Select whether they agree to share")],
    )
    consent_given_on = _given_on()
    consent_how = _how()


class ShareConsentForm(FlaskForm):
    share_consent = RadioField(
        "Do they agree to share their screening and referral with probation?",
        widget=formkit.Radios(),
        choices=CONSENT_CHOICES[:2],
        validators=[InputRequired("Select whether they agree to share")],
    )
    consent_given_on = _given_on()
    consent_how = _how()


class ChargeForm(FlaskForm):
    start_on = formkit.DateField("Date of charge", validators=[formkit.Required("Enter the date of charge")])
    court = _text("Court", "For example, Bristol Magistrates", required="Enter the court")
    offender_manager_email = _text(
        "Offender manager's email address",
        "They take the case now.",
        required="Enter the offender manager's email",
    )


class FindHeldForm(FlaskForm):
    crn = _text("Case reference number (CRN)", "For example, X123456")
    given_name = _text("Given name")
    family_name = _text("Family name")
    date_of_birth = formkit.DateField("Date of birth", description="For example, 2 4 1985")


def consent_payload(form: Any) -> dict[str, Any] | None:
    """The consent part of a form as the schema takes it; None when not asked yet."""
    if form.share_consent.data not in ("yes", "no"):
        return None
    return formkit.payload(
        {
            "consent": form.share_consent.data == "yes",
            "given_on": form.consent_given_on.data,
            "how": (form.consent_how.data or "").strip(),
        }
    )


def identify_payload(form: IdentifyForm) -> dict[str, Any]:
    """The identify form as the API's IdentifyIn takes it."""
    stage = {"kind": form.kind.data, "start_on": form.start_on.data}
    if form.kind.data == "arrest":
        stage |= {"custody_suite": (form.custody_suite.data or "").strip()}
        if form.arrest_referral.data in ("yes", "no"):
            stage["arrest_referral"] = form.arrest_referral.data == "yes"
    raw = formkit.payload(
        {
            "given_name": (form.given_name.data or "").strip(),
            "family_name": (form.family_name.data or "").strip(),
            "date_of_birth": form.date_of_birth.data,
            "referral_reason": (form.referral_reason.data or "").strip(),
        }
    )
    raw["stage"] = formkit.payload(stage)
    consent = consent_payload(form)
    if consent is not None:
        raw["share_consent"] = consent
    return raw
