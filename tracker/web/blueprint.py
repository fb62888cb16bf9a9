"""The pages' blueprint: signed-in staff only, CSRF on every form."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker.auth.models import Staff
from tracker.inputs import refuse_control_characters_in_form
from tracker.web import STATIC

bp = Blueprint("web", __name__, static_folder="static", static_url_path="/web-static")
# GOV.UK Frontend's CSS asks for its fonts and images under /assets/.
assets = Blueprint("assets", __name__, static_folder=str(STATIC / "assets"), static_url_path="/assets")

# Before a session exists: the password, then an admin's code (each checks the password came first);
# and a calendar feed, fetched by a calendar application with the token in its address.
OPEN_ENDPOINTS = {
    "web.sign_in",
    "web.second_factor_code",
    "web.set_up_second_factor",
    "web.static",
    "web.calendar_feed",
}


@bp.before_request
def signed_in_staff_only() -> ResponseReturnValue | None:
    """Every page but sign-in needs an active, signed-in staff member; every form post a CSRF token."""
    from tracker.extensions import csrf, login_manager

    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated or not current_user.is_active:
        return login_manager.unauthorized()
    return None


# Then: a field or query value with a control character is refused by its name (422).
bp.before_request(refuse_control_characters_in_form)


def staff() -> Staff:
    """The signed-in staff member."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def roles(*allowed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view only these roles may open; anyone else gets the 403 page."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if staff().role not in allowed:
                abort(403, description="Your role does not use this page.")
            return view(*args, **kwargs)

        return guarded

    return decorate
