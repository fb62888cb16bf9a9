"""Page sessions that end: after SESSION_IDLE_MINUTES without a request, and SESSION_ABSOLUTE_HOURS
after signing in whatever happens; an admin's session only after the second factor.

The instants live in the signed session cookie, so a copied cookie ages like the original and nobody
can make one younger. Signing out, a password reset and disabling still end every session at once
(the account's session version, tracker/auth/tokens.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, flash, session
from flask_login import logout_user

from tracker.types import utcnow

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
SECOND_FACTOR_AT = "second_factor_at"
# flask-login's key for the signed-in account in the session.
USER_ID = "_user_id"


def start(now: datetime, second_factor: bool = False) -> None:
    """Stamp a new session (call after flask-login's login_user)."""
    stamp = int(now.timestamp())
    session[SIGNED_IN_AT] = session[SEEN_AT] = stamp
    if second_factor:
        session[SECOND_FACTOR_AT] = stamp


def ended(stamps: Mapping[str, Any], now: datetime, idle: timedelta, absolute: timedelta) -> str | None:
    """Why a session with these stamps has ended by `now` ("idle" or "absolute"), or None."""
    signed_in_at, seen_at = stamps.get(SIGNED_IN_AT), stamps.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return "absolute"  # a session from before the stamps, or a forged one: sign in again
    instant = now.timestamp()
    if instant - signed_in_at >= absolute.total_seconds():
        return "absolute"
    if instant - seen_at >= idle.total_seconds():
        return "idle"
    return None


def second_factor_done() -> bool:
    """Whether this session was signed in with a second factor."""
    return isinstance(session.get(SECOND_FACTOR_AT), int)


MESSAGES = {
    "idle": "You were signed out because you had not used the service for {minutes} minutes.",
    "absolute": "You were signed out because you signed in more than {hours} hours ago.",
}


def end_expired_session() -> None:
    """Before each request: end a signed-in session that has run out, else note this request."""
    if USER_ID not in session:
        return
    config, now = current_app.config, utcnow()
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
    why = ended(session, now, idle, absolute)
    if why is None:
        session[SEEN_AT] = int(now.timestamp())
        return
    logout_user()
    session.clear()
    flash(
        MESSAGES[why].format(minutes=config["SESSION_IDLE_MINUTES"], hours=config["SESSION_ABSOLUTE_HOURS"]),
        "info",
    )


def init_app(app: Flask) -> None:
    """Check every request's session before any view (or flask-login) reads it."""
    app.before_request(end_expired_session)
