"""The steps of signing in: a password, then, for an admin, a code; then a fresh session."""

from __future__ import annotations

from flask import current_app, redirect, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user

from tracker import audit
from tracker.auth import second_factor, sessions
from tracker.auth.models import Staff
from tracker.extensions import db
from tracker.types import utcnow

# Who gave the right password and has still to give a code, in the (signed) session cookie.
PENDING = "pending_sign_in"


def after_password(account: Staff, next_page: str | None) -> ResponseReturnValue:
    """The right password: sign in, or for an admin ask for the code (enrolling first if need be)."""
    session.clear()  # a new session for the new sign-in: nothing carried over from before
    if not second_factor.required(account):
        return finish(account, next_page)
    session[PENDING] = {
        "id": account.id,
        "version": account.session_version,
        "at": int(utcnow().timestamp()),
        "next": next_page,
    }
    db.session.commit()  # keeps a rehashed password, if check_password made one
    step = "web.second_factor_code" if second_factor.enrolled(account) else "web.set_up_second_factor"
    return redirect(url_for(step))


def pending() -> tuple[Staff, str | None] | None:
    """The account waiting to give its code, and the page it asked for, while the wait is short."""
    waiting = session.get(PENDING)
    if not isinstance(waiting, dict):
        return None
    age = utcnow().timestamp() - waiting.get("at", 0)
    if age > current_app.config["SECOND_FACTOR_MINUTES"] * 60:
        return None
    account = db.session.get(Staff, waiting.get("id"))
    if account is None or not account.active or account.session_version != waiting.get("version"):
        return None
    return account, waiting.get("next")


def finish(account: Staff, next_page: str | None, with_second_factor: bool = False) -> ResponseReturnValue:
    """Start the session and go to the page asked for, or the role's own."""
    session.clear()
    login_user(account)
    sessions.start(utcnow(), second_factor=with_second_factor)
    audit.record(account.id, "sign_in", account, second_factor=with_second_factor or None)
    db.session.commit()  # keeps a rehashed password, if check_password made one
    return redirect(next_page or url_for("web.home"))
