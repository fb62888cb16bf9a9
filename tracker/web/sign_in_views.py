"""Sign in, sign out, and each role's landing page."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired

from tracker import audit
from tracker.auth.models import Staff
from tracker.auth.service import authenticate
from tracker.clock import local_today
from tracker.extensions import db, limiter
from tracker.pathway.continuity import CONTINUITY_DAYS
from tracker.reports import registry
from tracker.reports.scope import Scope
from tracker.web import formkit, signing_in
from tracker.web.blueprint import roles, staff
from tracker.web.routes import Routes

routes = Routes()

LANDING = {
    "offender_manager": "web.caseload",
    "resettlement": "web.board",
    "treatment": "web.caseload",
    "commissioner": "web.commissioner",
    "admin": "web.admin",
}
WRONG = "Enter a correct email address and password"


class SignInForm(FlaskForm):
    """Email address and password."""

    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address")],
        render_kw={"autocomplete": "username", "spellcheck": "false", "params": {"type": "email"}},
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")],
        render_kw={"autocomplete": "current-password"},
    )


def _attempted_account() -> str:
    return (request.form.get("email") or "").strip().lower() or "-"


def _failed(response) -> bool:
    # Only refused attempts count towards the limit; a successful sign-in redirects.
    return response.status_code != 302


@routes.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed)
@limiter.limit(
    lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=_failed,
    key_func=_attempted_account,
    scope="sign-in-account",
)
def sign_in() -> ResponseReturnValue:
    """The sign-in form; an active account with the right password starts a session."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = SignInForm()
    if form.validate_on_submit():
        account = authenticate(form.email.data, form.password.data)
        if account is None:
            # The address typed is not kept: it may be a password typed in the wrong box.
            _audit_refusal(None, "wrong email address or password")
            formkit.place(form, {"email": WRONG})
        elif not account.active:
            _audit_refusal(account, "account disabled")
            formkit.place(
                form, {"email": "Your account has been disabled. Ask an administrator to enable it."}
            )
        else:
            return signing_in.after_password(account, local_path(request.args.get("next")))
    return render_template("sign_in.html", title="Sign in", form=form), formkit.status(form)


def _audit_refusal(account: Staff | None, why: str) -> None:
    audit.record(None, "sign_in_failed", account, subject_type="staff", why=why, ip=request.remote_addr)
    db.session.commit()


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None.

    Browsers drop tabs and newlines from a URL and read a backslash as a slash, so "/", a tab, then
    "/evil.example" leads off-site: no scheme, host, backslash or control character is allowed, even
    after decoding the percent-escapes once more.
    """
    if not target:
        return None
    for candidate in (target, unquote(target)):
        if not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
            return None
        if any(unicodedata.category(char)[0] in "CZ" and char != " " for char in candidate):
            return None  # control, format (zero-width) and separator characters, but a plain space
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return None
    return target


@routes.post("/sign-out")
def sign_out() -> ResponseReturnValue:
    """End the session everywhere: the stored session version moves on, so old cookies stop working."""
    me = staff()
    me.session_version += 1
    audit.record(me.id, "sign_out", me)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("web.sign_in"))


@routes.get("/")
def home() -> ResponseReturnValue:
    """Each role starts on the page it works from."""
    return redirect(url_for(LANDING.get(staff().role, "web.sign_in")))


@routes.get("/overview")
@roles("commissioner")
def commissioner() -> ResponseReturnValue:
    """Continuity of care by establishment this financial year; no person's record is ever shown."""
    me = staff()
    report = registry.run("continuity", None, "establishment", Scope.of(me), local_today())
    registry.record_view(me.id, report, "page")
    db.session.commit()
    return render_template(
        "commissioner.html", title="Overview", report=report, reports=registry.REPORTS, days=CONTINUITY_DAYS
    )
