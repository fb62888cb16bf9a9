"""Fixtures for the SMS tests: the local Twilio stand-in, people who may be texted, and the clock.

Time is driven by calling dispatch(now, gateway) at chosen instants; what they send is written relative
to the real clock (a reminder already past is never written), so people are released and booked days ahead.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.sms.helpers import PLACE, PUBLIC_BASE_URL, TWILIO_FROM
from tests.sms.twilio_standin import TwilioStandIn

MOBILES = iter(f"+4479111{n:05d}" for n in range(100_000))


@pytest.fixture
def twilio(app, monkeypatch) -> Iterator[TwilioStandIn]:
    """The Twilio stand-in, running, with the app sending through it (SMS_BACKEND=twilio)."""
    with TwilioStandIn() as standin:
        settings = {
            "SMS_BACKEND": "twilio",
            "TWILIO_ACCOUNT_SID": standin.account_sid,
            "TWILIO_AUTH_TOKEN": standin.auth_token,
            "TWILIO_FROM": TWILIO_FROM,
            "TWILIO_MESSAGING_SERVICE_SID": None,
            "TWILIO_API_BASE_URL": standin.base_url,
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        }
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        yield standin


@pytest.fixture
def dispatch_at(app):
    """dispatch_at(instant): send what is due then, through the gateway the settings choose."""
    from tracker.sms.dispatch import dispatch
    from tracker.sms.gateways import gateway_for

    def run(instant: datetime):
        return dispatch(instant, gateway_for(app))

    return run


@pytest.fixture
def texted_person(make_person, om):
    """texted_person(**fields): a person with a mobile who consented to texts (fields override)."""

    def make(**fields) -> dict:
        return make_person(om, **({"mobile": next(MOBILES), "sms_consent": True} | fields))

    return make


@pytest.fixture
def release(api, prison):
    """release(person, on, confirmed=True): a custody stage with CRD `on`, confirmed by default.

    Only a confirmed date brings a release-day text; the person is released once a licence is recorded.
    """

    def make(person: dict, on: date, confirmed: bool = True) -> dict:
        response = api.post(
            f"/people/{person['id']}/stages",
            {
                "kind": "custody",
                "start_on": "2026-01-05",
                "basis": "sentenced",
                "establishment_team_id": prison.id,
                "sentence_start_on": "2026-01-05",
                "release_dates": {"crd": on.isoformat()}
                | ({"confirmed": on.isoformat()} if confirmed else {}),
            },
        )
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def walk_out(api):
    """walk_out(person, on): record the release (a licence stage from `on`): the actual release A."""

    def make(person: dict, on: date) -> dict:
        response = api.post(f"/people/{person['id']}/stages", {"kind": "licence", "start_on": on.isoformat()})
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def book(api):
    """book(person, starts_at, kind="probation", place=PLACE): the appointment as the API returned it."""

    def make(person: dict, starts_at: datetime, kind: str = "probation", place: str | None = PLACE) -> dict:
        response = api.post(
            f"/people/{person['id']}/appointments",
            {
                "kind": kind,
                "starts_at": starts_at.isoformat(),
                "location_label": place,
            },
        )
        assert response.status_code == 201, response.json
        return response.json

    return make


@pytest.fixture
def texts(db):
    """texts(person, **where): the person's outbox rows, by due time (fresh from the database)."""
    from tracker.sms.models import Message

    def rows(person: dict, **where) -> list:
        db.session.expire_all()
        query = select(Message).where(Message.person_id == person["id"]).order_by(Message.due_at, Message.id)
        return [m for m in db.session.scalars(query) if all(getattr(m, k) == v for k, v in where.items())]

    return rows


@pytest.fixture
def signed_post(client, app, twilio):
    """signed_post(path, params, signature=...): POST a form as Twilio would, signed with the auth token."""
    from twilio.request_validator import RequestValidator

    def post(path: str, params: dict[str, str], signature: str | None = ...):
        if signature is ...:
            url = app.config["PUBLIC_BASE_URL"] + path
            signature = RequestValidator(app.config["TWILIO_AUTH_TOKEN"]).compute_signature(url, params)
        headers = {"X-Twilio-Signature": signature} if signature is not None else {}
        return client.post(path, data=params, headers=headers)

    return post


@pytest.fixture
def text_in(signed_post):
    """text_in(from_number, body, sid=None): an inbound text, signed, to the inbound webhook."""
    counter = iter(range(1, 1_000_000))

    def send(from_number: str, body: str, sid: str | None = None):
        sid = sid or f"SM{next(counter):032x}"
        return signed_post(
            "/webhooks/twilio/inbound",
            {
                "MessageSid": sid,
                "SmsSid": sid,
                "AccountSid": "AC" + "5" * 32,
                "From": from_number,
                "To": TWILIO_FROM,
                "Body": body,
                "NumMedia": "0",
            },
        )

    return send
