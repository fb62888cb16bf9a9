"""An admin's second step at sign-in: the code from an authenticator app, enrolled by QR code first."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import InputRequired

from tracker.auth import second_factor
from tracker.extensions import db, limiter
from tracker.types import utcnow
from tracker.web import formkit, signing_in
from tracker.web.routes import Routes

routes = Routes()
WRONG_CODE = "Enter the 6-digit code your authenticator app shows now"
START_AGAIN = "Sign in again: the code was not given in time."


class CodeForm(FlaskForm):
    """The six digits an authenticator app shows."""

    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        description="The 6-digit code changes every 30 seconds",
        validators=[InputRequired(WRONG_CODE)],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "spellcheck": "false",
            "params": {"classes": "govuk-input--width-5"},
        },
    )


def _waiting_account() -> str:
    # Attempts count against the account waiting to sign in, whichever address they come from.
    waiting = session.get(signing_in.PENDING)
    return f"staff-{waiting.get('id')}" if isinstance(waiting, dict) else "-"


def _failed(response) -> bool:
    return response.status_code != 302


def _limited(view):
    per_address = limiter.limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_failed
    )
    per_account = limiter.limit(
        lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"],
        methods=["POST"],
        deduct_when=_failed,
        key_func=_waiting_account,
        scope="sign-in-code",
    )
    return per_address(per_account(view))


@routes.route("/sign-in/code", methods=["GET", "POST"])
@_limited
def second_factor_code() -> ResponseReturnValue:
    """The code at every admin sign-in, after the password."""
    waiting = signing_in.pending()
    if waiting is None:
        flash(START_AGAIN, "info")
        return redirect(url_for("web.sign_in"))
    account, next_page = waiting
    if not second_factor.enrolled(account):
        return redirect(url_for("web.set_up_second_factor"))
    form = CodeForm()
    if form.validate_on_submit():
        if second_factor.check_code(account, form.code.data, utcnow()):
            return signing_in.finish(account, next_page, with_second_factor=True)
        formkit.place(form, {"code": WRONG_CODE})
    return render_template(
        "second_factor.html", title="Enter the code from your authenticator app", form=form
    ), formkit.status(form)


@routes.route("/sign-in/set-up-code", methods=["GET", "POST"])
@_limited
def set_up_second_factor() -> ResponseReturnValue:
    """At an admin's first sign-in: scan the QR code into an authenticator app, then enter a code."""
    waiting = signing_in.pending()
    if waiting is None:
        flash(START_AGAIN, "info")
        return redirect(url_for("web.sign_in"))
    account, next_page = waiting
    if second_factor.enrolled(account):
        return redirect(url_for("web.second_factor_code"))
    secret = second_factor.pending_secret(account)
    db.session.commit()  # the same secret on every visit until a code from it is entered
    form = CodeForm()
    if form.validate_on_submit():
        if second_factor.confirm_enrolment(account, form.code.data, utcnow()):
            return signing_in.finish(account, next_page, with_second_factor=True)
        formkit.place(form, {"code": WRONG_CODE})
    uri = second_factor.provisioning_uri(account, secret)
    return render_template(
        "second_factor_set_up.html",
        title="Set up your authenticator app",
        form=form,
        qr_code=Markup(second_factor.qr_code_svg(uri)),
        key=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    ), formkit.status(form)
