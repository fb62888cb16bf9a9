"""Forms for appointments, referrals, screenings (AUDIT, AUDIT-C, FAST) and consent to texts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.clock import zone
from tracker.pathway.enforcement import SETTLED_ABSENCES
from tracker.pathway.referrals import DECLINE_REASONS
from tracker.pathway.referrals import KINDS as REFERRAL_KINDS
from tracker.pathway.schemas import APPOINTMENT_KINDS, OUTCOMES
from tracker.pathway.screening import INTERVENTIONS, TOOL_QUESTIONS
from tracker.web import formkit
from tracker.web.audit_questions import QUESTIONS, UNITS_HINT, answer_choices
from tracker.web.labels import ABSENCES, choices, label, options
from tracker.web.labels import INTERVENTIONS as INTERVENTION_WORDS
from tracker.web.labels import REFERRAL_KINDS as KIND_WORDS


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


ABSENCE_HINT = (
    "A missed probation or treatment appointment of an order or licence counts for enforcement: "
    "the first unacceptable absence records a warning."
)


class OutcomeForm(FlaskForm):
    """What happened at an appointment; for a missed one, whether the absence was acceptable."""

    outcome = RadioField(
        "What happened?",
        widget=formkit.Radios(),
        choices=choices(OUTCOMES),
        validators=[InputRequired("Select what happened")],
    )
    # Shown under "Missed"; sent only with it (left blank it is recorded as not decided yet).
    absence = RadioField(
        "If missed: was the absence acceptable?",
        widget=formkit.Radios(),
        description=ABSENCE_HINT,
        choices=options(ABSENCES.items()),
        validators=[Optional()],
    )


class AbsenceForm(FlaskForm):
    """The decision on a missed appointment's absence, once it is known."""

    absence = RadioField(
        "Was the absence acceptable?",
        widget=formkit.Radios(),
        description=ABSENCE_HINT,
        choices=options((code, ABSENCES[code]) for code in SETTLED_ABSENCES),
        validators=[InputRequired("Select whether the absence was acceptable")],
    )


BY_TEAM = "Decide by the team: structured alcohol treatment for a treatment service, otherwise other"


class ReferralForm(FlaskForm):
    """A referral: to whom, for what and why."""

    to_team_id = SelectField(
        "Refer to", widget=GovSelect(), validators=[InputRequired("Select the team to refer to")]
    )
    kind = SelectField(
        "What is the referral for?",
        widget=GovSelect(),
        choices=options([("", BY_TEAM), *((k, KIND_WORDS[k]) for k in REFERRAL_KINDS)]),
        validators=[Optional()],
    )
    reason = TextAreaField(
        "Reason for the referral",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for the referral"), Length(max=2000)],
    )


class ReferralUpdateForm(FlaskForm):
    """Where a referral has got to, when treatment started, and its kind if it was recorded wrongly."""

    status = RadioField(
        "What has happened to the referral?",
        widget=formkit.Radios(),
        validators=[Optional()],
    )
    treatment_started_on = formkit.DateField(
        "Date treatment started", description="Only if treatment has started"
    )
    decline_reason = SelectField(
        "Why was it declined?",
        widget=GovSelect(),
        description="Only if the referral was declined",
        choices=options([("", "Select a reason"), *((c, label(c)) for c in DECLINE_REASONS)]),
        validators=[Optional()],
    )
    kind = SelectField(
        "What is the referral for?",
        widget=GovSelect(),
        description="Correct it if it was recorded wrongly",
        choices=choices(REFERRAL_KINDS),
        validators=[Optional()],
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


def screening_form(tool: str) -> type[FlaskForm]:
    """A tool's questions (AUDIT's, in the UK wording) as radios, each answer carrying its score, and
    what was done after it.

    Each field is named after its AUDIT question (FAST's are q3, q5, q8 and q10).
    """
    fields: dict[str, Any] = {
        f"q{question}": RadioField(
            f"{n}. {QUESTIONS[question - 1][0]}",
            widget=formkit.Radios(),
            description=UNITS_HINT if question == 2 else "",
            choices=answer_choices(question - 1),
            validators=[InputRequired(f"Answer question {n}")],
        )
        for n, question in enumerate(TOOL_QUESTIONS[tool], start=1)
    }
    fields["intervention"] = RadioField(
        "What was done?",
        widget=formkit.Radios(),
        description="After an AUDIT in zone IV only a referral to a specialist service, or the person "
        "declining one, can be recorded.",
        choices=options((code, INTERVENTION_WORDS[code]) for code in INTERVENTIONS),
        validators=[InputRequired("Select what was done after the screening")],
    )
    return type(f"{tool.title()}Form", (FlaskForm,), fields)


def answer_aliases(tool: str) -> dict[str, str]:
    """The API's answer positions (answers.1, ...) to the form's fields (q1, ...), to place refusals."""
    return {f"answers.{n}": f"q{question}" for n, question in enumerate(TOOL_QUESTIONS[tool], start=1)}


def answers(form: FlaskForm, tool: str) -> list[int]:
    """The scores of the answers chosen, in the tool's order."""
    return [int(form._fields[f"q{question}"].data) for question in TOOL_QUESTIONS[tool]]


def starts_at(form: FlaskForm) -> datetime:
    """The date and time typed, in the service's timezone."""
    return datetime.combine(form.day.data, form.at.data, zone())


def team_choices(teams: list[Any], blank: str) -> list[SelectChoice]:
    """A select's options for these teams, with a blank first."""
    return options([("", blank), *((str(t.id), t.name) for t in teams)])
