"""API tokens, listed and revoked by their owner and by an admin; an admin resets a lost second factor.

Tokens are issued by `flask users token` only: a page that made them would let a stolen session
outlive its timeout as a 90-day token.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from tracker.auth import second_factor, service
from tracker.auth.models import Staff
from tracker.extensions import db
from tracker.types import utcnow
from tracker.web.blueprint import roles, staff
from tracker.web.routes import Routes

routes = Routes()


def _account(staff_id: int) -> Staff:
    return db.get_or_404(Staff, staff_id, description="No such account.")


def _tokens_page(account: Staff, own: bool) -> ResponseReturnValue:
    return render_template(
        "tokens.html",
        title="Your API tokens" if own else f"{account.name}'s API tokens",
        account=account,
        own=own,
        tokens=service.tokens_of(account),
        now=utcnow(),
        back_href=None if own else url_for("web.admin"),
    )


def _revoke(account: Staff, token_id: int) -> None:
    form = FlaskForm()
    token = service.token_of(account, token_id)
    if token is None:
        abort(404, description="No such token.")
    if form.validate_on_submit():
        service.revoke_token(token, by=staff(), now=utcnow())
        db.session.commit()
        flash(f"Token {token.label or token.id} is revoked: it no longer works.", "success")


@routes.get("/account/tokens")
def tokens() -> ResponseReturnValue:
    """The signed-in staff member's API tokens: when each was issued, when it ends, whether it works."""
    return _tokens_page(staff(), own=True)


@routes.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of your own tokens."""
    _revoke(staff(), token_id)
    return redirect(url_for("web.tokens"))


@routes.get("/admin/staff/<int:staff_id>/tokens")
@roles("admin")
def account_tokens(staff_id: int) -> ResponseReturnValue:
    """An account's API tokens, for an admin to revoke."""
    return _tokens_page(_account(staff_id), own=False)


@routes.post("/admin/staff/<int:staff_id>/tokens/<int:token_id>/revoke")
@roles("admin")
def revoke_account_token(staff_id: int, token_id: int) -> ResponseReturnValue:
    """Revoke one of an account's tokens."""
    _revoke(_account(staff_id), token_id)
    return redirect(url_for("web.account_tokens", staff_id=staff_id))


@routes.post("/admin/staff/<int:staff_id>/tokens/revoke")
@roles("admin")
def revoke_account_tokens(staff_id: int) -> ResponseReturnValue:
    """Revoke every live token of an account."""
    account, form = _account(staff_id), FlaskForm()
    if form.validate_on_submit():
        count = service.revoke_tokens(account, staff(), why="revoked by an admin", now=utcnow())
        db.session.commit()
        flash(f"{count} token{'' if count == 1 else 's'} of {account.name} revoked.", "success")
    return redirect(url_for("web.account_tokens", staff_id=staff_id))


@routes.post("/admin/staff/<int:staff_id>/second-factor/reset")
@roles("admin")
def reset_second_factor(staff_id: int) -> ResponseReturnValue:
    """Forget an admin's authenticator (a lost phone): they set up a new one at their next sign-in."""
    account, form = _account(staff_id), FlaskForm()
    if account.id == staff().id:
        abort(409, description="Ask another administrator to reset your second factor.")
    if form.validate_on_submit():
        second_factor.reset(account, by=staff())
        db.session.commit()
        flash(f"{account.name} will set up their authenticator app again at their next sign-in.", "success")
    return redirect(url_for("web.admin"))
