"""Helpers for page tests: a client that posts forms with their CSRF token, and page text."""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'<input[^>]*name="(?:[\w-]+-)?csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    tag = TOKEN.search(html)
    assert tag, "the page has no form with a CSRF token"
    return VALUE.search(tag.group(0)).group(1)


def _in_memory_multipart(form: dict[str, Any]) -> dict[str, Any]:
    """A form with (stream, filename) files, encoded in memory as a browser would send it.

    Given the files, the test client spools a body over 500 KB to a temporary file it never closes.
    """
    fields = MultiDict(
        {k: FileStorage(v[0], filename=v[1]) if isinstance(v, tuple) else v for k, v in form.items()}
    )
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def isolated(request: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Make a request in its own app context, as in production, not inside the test's.

    The `app` fixture keeps an app context open for the test; a request made inside it would share
    its `g` (flask-login's cached user, Flask-WTF's token) and its database session with the test
    and with every other client. Afterwards the test's session forgets what it had loaded, so what
    the test reads next is what the request committed.
    """
    from tracker.extensions import db

    response = contextvars.Context().run(request, *args, **kwargs)
    db.session.expire_all()
    return response


class Browser:
    """A test client that signs in and posts forms the way a browser does: token from the page first."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def get(self, url: str, **kwargs: Any):
        return isolated(self.client.get, url, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, form_url: str | None = None, **kwargs: Any):
        page = self.get(form_url or url)
        assert page.status_code == 200, (page.status_code, page.get_data(as_text=True)[:500])
        return self.post_with_token(url, data, csrf_token(page.get_data(as_text=True)), **kwargs)

    def post_with_token(self, url: str, data: dict[str, Any] | None, token: str | None, **kwargs: Any):
        """Post as a browser would, with the token given (None: none at all)."""
        form = {**(data or {}), **({"csrf_token": token} if token else {})}
        if any(isinstance(value, tuple) for value in form.values()):
            return isolated(self.client.post, url, **_in_memory_multipart(form), **kwargs)
        return isolated(self.client.post, url, data=form, **kwargs)

    def sign_in(self, staff, password: str = PASSWORD):
        """Sign in with the password and, for an admin, the code an authenticator app would show
        (setting the app up first, as at an admin's first sign-in)."""
        response = self.post("/sign-in", {"email": staff.email, "password": password})
        step = response.headers.get("Location", "") if response.status_code == 302 else ""
        if step not in SECOND_FACTOR_STEPS:
            return response
        page = self.get(step)  # setting up makes the secret the code comes from
        assert page.status_code == 200, (step, page.status_code)
        return self.post_with_token(step, {"code": totp_code(staff)}, csrf_token(page.get_data(as_text=True)))


SECOND_FACTOR_STEPS = ("/sign-in/code", "/sign-in/set-up-code")


def totp_code(staff) -> str:
    """The code the staff member's authenticator app shows now.

    Each code signs in once; a test that signs the same admin in twice within 30 seconds would have to
    wait for the next, so the record of the last code used is forgotten first.
    """
    import pyotp
    from sqlalchemy import update

    from tracker.auth import second_factor
    from tracker.auth.models import Staff
    from tracker.extensions import db

    db.session.execute(update(Staff).where(Staff.id == staff.id).values(totp_last_step=None))
    db.session.commit()
    secret = second_factor.secret_of(db.session.get(Staff, staff.id, populate_existing=True))
    assert secret, f"{staff.email} has no authenticator secret"
    return pyotp.TOTP(secret).now()


def text(response) -> str:
    """A page's HTML, whitespace squeezed so assertions read plainly."""
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def date_parts(name: str, on: date) -> dict[str, list[str]]:
    """A GOV.UK date input's three boxes, as a browser posts them."""
    return {name: [str(on.day), str(on.month), str(on.year)]}


@dataclass
class World:
    """Teams and one account of each kind, in two areas so scope can be tested."""

    probation: Any
    prison: Any
    other_prison: Any
    treatment_team: Any
    other_probation: Any
    om: Any
    om2: Any
    other_om: Any
    resettlement: Any
    other_resettlement: Any
    treatment: Any
    commissioner: Any
    admin: Any


def stage_fields(world: World, kind: str, start_on: date, today: date, release_in: int) -> dict[str, Any]:
    """A valid stage of this kind, as the schema would load it."""
    fields: dict[str, Any] = {"kind": kind, "start_on": start_on}
    if kind == "arrest":
        fields |= {"custody_suite": "Patchway", "arrest_referral": True}
    elif kind == "court":
        fields |= {"court": "Bristol Magistrates"}
    elif kind == "custody":
        fields |= {
            "basis": "sentenced",
            "establishment_team_id": world.prison.id,
            "sentence_start_on": start_on,
            "release_dates": {
                "source": "test",
                "crd": today + timedelta(days=release_in),
                "sed": today + timedelta(days=release_in + 200),
            },
        }
    elif kind == "atr":
        fields |= {
            "order_type": "community_order",
            "order_end_on": start_on + timedelta(days=365),
            "atr_end_on": start_on + timedelta(days=180),
            "treatment_team_id": world.treatment_team.id,
            "dependency_assessed": True,
            "consent_recorded": True,
        }
    return fields
