"""The edge where texts leave: one small interface, a Twilio implementation and an outbox one."""

from __future__ import annotations

import os
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import requests
from flask import Flask
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tracker.sms.policy import check_private
from tracker.sms.templates import revealing_words

# Twilio errors that no retry will fix: the number is wrong, unreachable or opted out.
OPTED_OUT = "21610"
INVALID_NUMBER = "21211"
CLOCK_SKEW = timedelta(minutes=2)


@dataclass(frozen=True)
class SendResult:
    """What the gateway answered: a message id, or an error and whether retrying may help.

    `unknown` means the call may or may not have reached the gateway (a timeout, a dropped
    connection): the message must be reconciled with the gateway's list, never blindly resent.
    `throttled` means the gateway asked us to slow down (HTTP 429): try again later, never fail the text.
    """

    sid: str | None = None
    error_code: str | None = None
    error: str | None = None
    retryable: bool = False
    unknown: bool = False
    throttled: bool = False


class SmsGateway(Protocol):
    """Where texts go."""

    name: str

    def send(self, to: str, body: str) -> SendResult:
        """Send one text."""

    def find(self, to: str, body: str, within: timedelta) -> str | None:
        """The id of a text with this body sent to this number within the last `within`, if the gateway
        has one (a duration, so the caller's `now` and the gateway's clock need not agree)."""


class OutboxGateway:
    """Nothing leaves the machine: texts stay in the database and are shown in the app."""

    name = "outbox"

    def send(self, to: str, body: str) -> SendResult:
        return SendResult(sid=f"OUTBOX-{uuid.uuid4().hex}")

    def find(self, to: str, body: str, within: timedelta) -> str | None:
        return None  # nothing left the machine, so sending again is harmless


class TwilioGateway:
    """The real `twilio` client; every call goes to TWILIO_API_BASE_URL when set (a local stand-in)."""

    name = "twilio"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: dict[str, str],
        status_callback: str | None,
        api_base_url: str | None = None,
        timeout: float = 15.0,
    ):
        self._credentials = (account_sid, auth_token)
        self._sender, self._status_callback = sender, status_callback
        self._api_base_url, self._timeout = api_base_url, timeout
        self._local = threading.local()  # one client per thread: the dispatcher sends concurrently

    def _client(self) -> Client:
        client = getattr(self._local, "client", None)
        if client is None:
            from twilio.http.http_client import TwilioHttpClient

            http = TwilioHttpClient(timeout=self._timeout, proxy=_environment_proxies(self._api_base_url))
            # The proxy and CA settings are read from the environment once, here, rather than on every
            # request (requests scans os.environ twice a call: a third of the client's CPU per text).
            http.session.trust_env = False
            http.session.verify = (
                os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
            )
            client = Client(*self._credentials, http_client=http)
            if self._api_base_url:
                client.api.base_url = self._api_base_url
            self._local.client = client
        return client

    def send(self, to: str, body: str) -> SendResult:
        extra = {"status_callback": self._status_callback} if self._status_callback else {}
        try:
            message = self._client().messages.create(to=to, body=body, **self._sender, **extra)
        except TwilioRestException as error:
            retryable = error.status == 429 or error.status >= 500
            return SendResult(
                error_code=str(error.code or error.status),
                error=error.msg,
                retryable=retryable,
                throttled=error.status == 429,
            )
        except requests.ConnectionError as error:
            # Refused before anything was sent is safe to retry; a dropped answer is not known.
            refused = "refused" in str(error).lower()
            return SendResult(
                error="connection refused" if refused else "connection lost",
                retryable=refused,
                unknown=not refused,
            )
        except requests.Timeout:
            return SendResult(error="timed out", unknown=True)
        return SendResult(sid=message.sid)

    def find(self, to: str, body: str, within: timedelta) -> str | None:
        # Not filtered on DateSent: a message still queued at Twilio has no date_sent yet. Twilio sets
        # date_created when it accepts one; CLOCK_SKEW covers our clock and Twilio's disagreeing.
        after = datetime.now(UTC) - within - CLOCK_SKEW
        for message in self._client().messages.list(to=to, limit=200):
            if message.body == body and message.date_created is not None and message.date_created >= after:
                return message.sid
        return None


def _environment_proxies(api_base_url: str | None) -> dict[str, str]:
    """HTTP(S)_PROXY and NO_PROXY as they apply to the API's address, read once."""
    return requests.utils.get_environ_proxies(api_base_url or "https://api.twilio.com")


def gateway_for(app: Flask) -> SmsGateway:
    """The gateway the settings choose (SMS_BACKEND: outbox or twilio)."""
    config = app.config
    if config["SMS_BACKEND"] == "outbox":
        return OutboxGateway()
    if config["SMS_BACKEND"] != "twilio":
        raise ValueError(f"SMS_BACKEND must be outbox or twilio, not {config['SMS_BACKEND']!r}.")
    if config.get("TWILIO_MESSAGING_SERVICE_SID"):
        sender = {"messaging_service_sid": config["TWILIO_MESSAGING_SERVICE_SID"]}
    elif not config.get("TWILIO_FROM"):
        # Else every text would fail as if its number were wrong, and every offender manager be told so.
        raise ValueError("SMS_BACKEND=twilio needs TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID.")
    else:
        # An alphanumeric sender shows on the phone like any text: it is checked like the templates.
        check_private(config["TWILIO_FROM"], revealing_words(), "TWILIO_FROM")
        sender = {"from_": config["TWILIO_FROM"]}
    callback = config["PUBLIC_BASE_URL"].rstrip("/") + "/webhooks/twilio/status"
    return TwilioGateway(
        config["TWILIO_ACCOUNT_SID"],
        config["TWILIO_AUTH_TOKEN"],
        sender,
        callback,
        config.get("TWILIO_API_BASE_URL"),
    )
