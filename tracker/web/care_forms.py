"""Forms for appointments, referrals, the AUDIT and consent to texts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.clock import zone
from tracker.pathway.schemas import APPOINTMENT_KINDS, OUTCOMES
from tracker.web import formkit
from tracker.web.audit_questions import QUESTIONS, answer_choices
from tracker.web.labels import choices, options


class AppointmentForm(FlaskForm):
    """A new appointment: what, when, where and who runs it."""

    kind = RadioField(
        "What kind of appointment?",
        widget=formkit.Radios(),
        choices=choices(APPOINTMENT_KINDS),
        validators=[InputRequired("Select the kind of appointment")],
    )
    day = formkit.DateField(
        "Date", description="For example, 27 3 2026", validators=[formkit.Required("Enter the date")]
    )
    at = formkit.TimeField(
        "Time",
        widget=GovTextInput(),
        description="For example, 10:30 or 2pm",
        validators=[InputRequired("Enter the time")],
        render_kw={"params": {"classes": "govuk-input--width-5"}},
    )
    location_label = StringField(
        "Where (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=120)]
    )
    team_id = SelectField("Team running it (optional)", widget=GovSelect(), validators=[Optional()])


class MoveForm(FlaskForm):
    """A new date and time for an appointment."""

    day = formkit.DateField(
        "New date", description="For example, 27 3 2026", validators=[formkit.Required("Enter the new date")]
    )
    at = formkit.TimeField(
        "New time",
        widget=GovTextInput(),
        description="For example, 10:30 or 2pm",
        validators=[InputRequired("Enter the new time")],
        render_kw={"params": {"classes": "govuk-input--width-5"}},
    )


class OutcomeForm(FlaskForm):
    """What happened at an appointment."""

    outcome = RadioField(
        "What happened?",
        widget=formkit.Radios(),
        choices=choices(OUTCOMES),
        validators=[InputRequired("Select what happened")],
    )


class ReferralForm(FlaskForm):
    """A referral: to whom and why."""

    to_team_id = SelectField(
        "Refer to", widget=GovSelect(), validators=[InputRequired("Select the team to refer to")]
    )
    reason = TextAreaField(
        "Reason for the referral",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for the referral"), Length(max=2000)],
    )


class ReferralUpdateForm(FlaskForm):
    """Where a referral has got to, and when treatment started."""

    status = RadioField(
        "What has happened to the referral?",
        widget=formkit.Radios(),
        validators=[InputRequired("Select what has happened")],
    )
    treatment_started_on = formkit.DateField(
        "Date treatment started", description="Only if treatment has started"
    )


class ConsentForm(FlaskForm):
    """The mobile number and whether texts are agreed to."""

    mobile = StringField(
        "Mobile number",
        widget=GovTextInput(),
        description="For example, 07911 123456",
        validators=[Optional()],
        render_kw={"autocomplete": "off", "params": {"type": "tel", "classes": "govuk-input--width-20"}},
    )
    sms_consent = RadioField(
        "Do they agree to reminders by text?",
        widget=formkit.Radios(),
        choices=options([("yes", "Yes, they agree"), ("no", "No, they have opted out")]),
        validators=[InputRequired("Select whether they agree to texts")],
    )


def audit_form() -> type[FlaskForm]:
    """The AUDIT's ten questions as radios, each answer carrying its score."""
    fields = {
        f"q{n}": RadioField(
            f"{n}. {question}",
            widget=formkit.Radios(),
            choices=answer_choices(n - 1),
            validators=[InputRequired(f"Answer question {n}")],
        )
        for n, (question, _) in enumerate(QUESTIONS, start=1)
    }
    return type("AuditForm", (FlaskForm,), fields)


AUDIT_ALIASES = {f"answers.{n}": f"q{n}" for n in range(1, 11)}


def starts_at(form: FlaskForm) -> datetime:
    """The date and time typed, in the service's timezone."""
    return datetime.combine(form.day.data, form.at.data, zone())


def team_choices(teams: list[Any], blank: str) -> list[SelectChoice]:
    """A select's options for these teams, with a blank first."""
    return options([("", blank), *((str(t.id), t.name) for t in teams)])
