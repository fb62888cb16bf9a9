"""Bearer-token authentication for the JSON API; pages use flask-login sessions instead."""

from __future__ import annotations

from flask import Flask, abort, g, request
from werkzeug.datastructures import WWWAuthenticate

from tracker.auth.models import Staff
from tracker.auth.service import staff_for_token
from tracker.types import utcnow


def authenticate_bearer() -> None:
    """Before each API request: resolve the bearer token to a staff member or answer 401."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    # The API's door: the request's clock is read here, as a view would.
    staff = staff_for_token(token.strip(), utcnow()) if scheme.lower() == "bearer" and token.strip() else None
    if staff is None:
        abort(
            401,
            description="Send a valid API token: Authorization: Bearer <token>.",
            www_authenticate=WWWAuthenticate("bearer", {"realm": "Pathway Tracker API"}),
        )
    g.staff = staff


def current_staff() -> Staff:
    """The staff member making this request."""
    return g.staff


def require_role(*roles: str) -> None:
    """Answer 403 unless the caller has one of these roles."""
    if current_staff().role not in roles:
        abort(403, description=f"This needs the role {' or '.join(roles)}.")


def init_app(app: Flask) -> None:
    """Wire flask-login's session loader (the pages use it; the API does not)."""
    from tracker.auth import second_factor, sessions
    from tracker.auth.service import stand_in_hash
    from tracker.extensions import db, login_manager

    # Made now, so the first unknown account to try signing in takes no longer than the rest.
    stand_in_hash(app.config.get("PASSWORD_HASH_PROFILE", "default"))

    @login_manager.user_loader
    def load_user(session_id: str) -> Staff | None:
        staff_id, _, version = session_id.partition(":")
        staff = db.session.get(Staff, int(staff_id)) if staff_id.isdigit() else None
        if staff is None or not staff.active or str(staff.session_version) != version:
            return None
        if second_factor.required(staff) and not sessions.second_factor_done():
            return None  # e.g. made an admin while signed in: sign in again, with a code
        return staff
