"""Admin: teams and staff accounts (create, disable, reset password); never a person's record."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSelect, GovTextInput
from sqlalchemy import select
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from tracker import audit
from tracker.auth import service
from tracker.auth import service as staff_actions
from tracker.auth.models import ROLES, TEAM_KINDS, Staff, Team
from tracker.extensions import db
from tracker.types import utcnow
from tracker.web import formkit
from tracker.web.blueprint import roles, staff
from tracker.web.labels import choices, options
from tracker.web.routes import Routes

routes = Routes()


PASSWORD_HINT = f"At least {service.MIN_PASSWORD_LENGTH} characters"


class TeamForm(FlaskForm):
    """A new team: its name, kind and (for a prison) establishment code."""

    name = StringField(
        "Team name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the team's name"), Length(max=120)],
    )
    kind = RadioField(
        "Kind of team",
        widget=formkit.Radios(),
        choices=options((kind, kind.capitalize()) for kind in TEAM_KINDS),
        validators=[InputRequired("Select the kind of team")],
    )
    code = StringField(
        "Establishment code (prisons only)",
        widget=GovTextInput(),
        description="For example, BCI",
        validators=[Optional(), Length(max=20)],
        render_kw={"params": {"classes": "govuk-input--width-5"}},
    )


class StaffForm(FlaskForm):
    """A new staff account in an existing team."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter their full name"), Length(max=120)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter their email address")],
        render_kw={"spellcheck": "false", "autocomplete": "off", "params": {"type": "email"}},
    )
    role = RadioField(
        "Role",
        widget=formkit.Radios(),
        choices=choices(ROLES),
        validators=[InputRequired("Select their role")],
    )
    team = SelectField("Team", widget=GovSelect(), validators=[InputRequired("Select their team")])
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        description=PASSWORD_HINT,
        validators=[InputRequired("Enter a password")],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=PASSWORD_HINT,
        validators=[InputRequired("Enter a new password")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm the new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Confirm the new password"),
            EqualTo("password", "The passwords do not match"),
        ],
        render_kw={"autocomplete": "new-password"},
    )


@routes.get("/admin")
@roles("admin")
def admin() -> ResponseReturnValue:
    """Every team and account."""
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    accounts = db.session.scalars(select(Staff).order_by(Staff.name, Staff.id)).all()
    return render_template("admin.html", title="Teams and staff", teams=teams, accounts=accounts)


@routes.route("/admin/teams/new", methods=["GET", "POST"])
@roles("admin")
def new_team() -> ResponseReturnValue:
    """Add a team."""
    form, me = TeamForm(), staff()
    if form.validate_on_submit():

        def create() -> Team:
            team = service.create_team(
                form.name.data.strip(), form.kind.data, (form.code.data or "").strip() or None
            )
            audit.record(me.id, "create", team)
            return team

        if formkit.attempt(form, create):
            flash(f"Team {form.name.data.strip()} added.", "success")
            return redirect(url_for("web.admin"))
    return render_template(
        "form_page.html",
        title="Add a team",
        form=form,
        submit_text="Add the team",
        back_href=url_for("web.admin"),
    ), formkit.status(form)


@routes.route("/admin/staff/new", methods=["GET", "POST"])
@roles("admin")
def new_staff() -> ResponseReturnValue:
    """Add a staff account in an existing team."""
    form, me = StaffForm(), staff()
    names = db.session.scalars(select(Team.name).order_by(Team.name)).all()
    form.team.choices = options([("", "Choose a team"), *((name, name) for name in names)])
    if form.validate_on_submit():

        def create() -> Staff:
            account = service.create_staff(
                form.email.data, form.role.data, form.team.data, form.password.data, form.name.data.strip()
            )
            audit.record(me.id, "create", account)
            return account

        if formkit.attempt(form, create):
            flash(f"Account for {form.email.data.strip().lower()} added.", "success")
            return redirect(url_for("web.admin"))
    return render_template(
        "form_page.html",
        title="Add a staff account",
        form=form,
        submit_text="Add the account",
        back_href=url_for("web.admin"),
    ), formkit.status(form)


def _account(staff_id: int) -> Staff:
    return db.get_or_404(Staff, staff_id, description="No such account.")


@routes.post("/admin/staff/<int:staff_id>/disable")
@roles("admin")
def disable_staff(staff_id: int) -> ResponseReturnValue:
    """Disable an account; it is signed out everywhere at once."""
    account, form = _account(staff_id), FlaskForm()
    if form.validate_on_submit() and formkit.attempt(
        form, lambda: staff_actions.disable_staff(account, staff(), utcnow())
    ):
        flash(f"{account.name}'s account is disabled and signed out.", "success")
    else:
        flash(
            " ".join(m["text"] for m in formkit.error_list(form)) or "That account could not be disabled.",
            "info",
        )
    return redirect(url_for("web.admin"))


@routes.post("/admin/staff/<int:staff_id>/enable")
@roles("admin")
def enable_staff(staff_id: int) -> ResponseReturnValue:
    """Let a disabled account sign in again."""
    account, form = _account(staff_id), FlaskForm()
    if form.validate_on_submit() and formkit.attempt(
        form, lambda: staff_actions.enable_staff(account, staff())
    ):
        flash(f"{account.name}'s account is enabled.", "success")
    return redirect(url_for("web.admin"))


@routes.route("/admin/staff/<int:staff_id>/password", methods=["GET", "POST"])
@roles("admin")
def reset_password(staff_id: int) -> ResponseReturnValue:
    """Set a new password for an account; it is signed out everywhere."""
    account, form = _account(staff_id), PasswordForm()
    if form.validate_on_submit() and formkit.attempt(
        form, lambda: staff_actions.reset_password(account, form.password.data, staff(), utcnow())
    ):
        flash(f"{account.name}'s password is reset. Tell them the new one in person or by phone.", "success")
        return redirect(url_for("web.admin"))
    return render_template(
        "form_page.html",
        title=f"Reset {account.name}'s password",
        form=form,
        submit_text="Reset the password",
        caption=account.email,
        back_href=url_for("web.admin"),
    ), formkit.status(form)
