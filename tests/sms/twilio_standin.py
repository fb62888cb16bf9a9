"""A local Twilio stand-in: a small real HTTP server speaking enough of Twilio's Messages API for the
real `twilio` client (9.x) to run against it, so the wire format is tested too.

It serves, under /2010-04-01/Accounts/{AccountSid}/ and behind HTTP basic auth (account sid, auth token):
  POST Messages.json        create: To, From or MessagingServiceSid, Body, StatusCallback -> 201 and
                            Twilio's message JSON
  GET  Messages.json        list: To, From, DateSent, DateSent<, DateSent> (a GMT date, or an instant),
                            PageSize, Page; newest first, in Twilio's page JSON (messages, next_page_uri,
                            page, page_size, uri, ...)
  GET  Messages/{Sid}.json  fetch
Errors use Twilio's JSON ({"code", "message", "more_info", "status"}). A created message answers "queued"
(or "accepted" through a messaging service) and is at once "sent" with a date_sent, unless hold_queued is
set (then it stays queued with no date_sent, as on a backed-up Twilio queue).

It can be told what to do with the next creates (first come, first served; optionally only for one To):
  fail_next(n, status, code)   answer an error (429 -> 20429, 5xx -> 20500, or 400 with 21211 / 21610 ...)
  drop_next(n)                 accept and store the message, then close the connection without an answer
  hang_next(n, seconds)        accept and store, then stall that long before closing without an answer
and with delay_ms every API answer leaves that long after its request came in, as a provider's latency is
counted: the stand-in's own work happens inside the delay, not after it. It counts what it accepted per
(To, Body) (`received`, `count(to, body)`, `total`), and sends signed status callbacks
(X-Twilio-Signature, computed with
twilio.request_validator.RequestValidator(auth_token).compute_signature(url, params)): on demand with
`send_status(sid, status)`, or by itself ("sent" then "delivered", callback_delay_ms after accepting) for
each accepted message when `callback_url` is given or `auto_callbacks` is on. A callback is signed over
the message's StatusCallback URL (the URL the app expects) and posted to `callback_url` when given, else
to StatusCallback.

In tests (tests/sms/conftest.py has a `twilio` fixture that also configures the app):
    from tests.sms.twilio_standin import TwilioStandIn    # or import tests/sms/twilio_standin.py by path
    with TwilioStandIn("AC" + "0" * 32, "token") as twilio:
        client.api.base_url = twilio.base_url             # the app's TWILIO_API_BASE_URL

As its own process:
    python tests/sms/twilio_standin.py --port 0 --delay-ms 150 --callback-url URL
prints the port it listens on as its first line, then serves until killed. Its account sid and auth
token are --account-sid / --auth-token (defaults: ACCOUNT_SID / AUTH_TOKEN below). It is also controlled
over HTTP (no auth; it listens on 127.0.0.1 only):
    GET  /_standin/received  {"total": n, "requests": n, "messages": [{"to", "body", "count"}],
                             "callbacks_failed": n}
    POST /_standin/faults    JSON {"kind": "error"|"drop"|"hang", "count": n, "status": 429,
                             "code": 20429, "seconds": 5, "to": "+44..."}
    POST /_standin/reset     forget every message, count and planned fault
"""

from __future__ import annotations

import argparse
import base64
import json
import queue
import re
import secrets
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "standin-auth-token-0123456789abcdef"
API_VERSION = "2010-04-01"
MESSAGES = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>AC\w+)/Messages(?:/(?P<sid>SM\w+))?\.json$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# GSM 03.38's basic set: a text using only these is 160 characters a segment, else 70 (UCS-2).
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)
ERROR_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource {path} was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20503: "Service Unavailable",
    21211: "The 'To' number {to} is not a valid phone number.",
    21602: "Message body is required.",
    21603: "The source 'From' phone number is required to send an SMS",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
}
DEFAULT_CODES = {400: 21211, 401: 20003, 404: 20404, 429: 20429, 500: 20500, 502: 20500, 503: 20503}


def rfc2822(instant: datetime | None) -> str | None:
    """Twilio's date format: 'Thu, 26 Nov 2026 09:00:00 +0000'."""
    return format_datetime(instant.astimezone(UTC)) if instant else None


def segments(body: str) -> int:
    """How many SMS segments Twilio would bill for this body."""
    single, multi = (160, 153) if set(body) <= GSM7 else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // multi)


@dataclass
class Fault:
    """What to do with one coming create: answer an error, or accept and then drop or hang."""

    kind: str  # "error" | "drop" | "hang"
    status: int = 500
    code: int | None = None
    message: str | None = None
    seconds: float = 0.0
    to: str | None = None


class TwilioStandIn:
    """The server, its messages and what it was told to do; start() and stop(), or `with`."""

    def __init__(
        self,
        account_sid: str = ACCOUNT_SID,
        auth_token: str = AUTH_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        delay_ms: float = 0,
        callback_url: str | None = None,
        auto_callbacks: bool = False,
        callback_statuses: tuple[str, ...] = ("sent", "delivered"),
        hold_queued: bool = False,
        callback_delay_ms: float = 0,
    ):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.host, self.port = host, port
        self.delay_ms, self.hold_queued = delay_ms, hold_queued
        self.callback_url, self.auto_callbacks, self.callback_statuses = (
            callback_url,
            auto_callbacks,
            callback_statuses,
        )
        self.validator = RequestValidator(auth_token)
        self.lock = threading.Lock()
        self.reset()
        self._server: ThreadingHTTPServer | None = None
        self.callback_delay_ms = callback_delay_ms
        self._callbacks: queue.Queue[tuple[str, str, float] | None] = queue.Queue()

    # --- what it holds and counts ---

    def reset(self) -> None:
        """Forget every message, count and planned fault."""
        with getattr(self, "lock", threading.Lock()):
            self.messages: dict[str, dict[str, Any]] = {}  # by sid, in creation order
            self.received: Counter[tuple[str, str]] = Counter()  # accepted creates per (To, Body)
            self.requests: list[dict[str, Any]] = []  # every create asked for: to, body, answer status
            self.faults: list[Fault] = []
            self.callbacks_sent: list[tuple[str, str, int]] = []  # (sid, status, HTTP answer)
            self.callbacks_failed = 0

    def count(self, to: str | None = None, body: str | None = None) -> int:
        """How many messages were accepted, to this number and/or with this body."""
        with self.lock:
            return sum(n for (t, b), n in self.received.items() if to in (None, t) and body in (None, b))

    @property
    def total(self) -> int:
        """How many messages were accepted in all."""
        return self.count()

    def sent_to(self, to: str) -> list[dict[str, Any]]:
        """The messages accepted for this number, oldest first."""
        with self.lock:
            return [dict(m) for m in self.messages.values() if m["to"] == to]

    # --- what it is told to do ---

    def fail_next(
        self,
        count: int = 1,
        status: int = 500,
        code: int | None = None,
        message: str | None = None,
        to: str | None = None,
    ) -> None:
        """The next `count` creates (to `to`, if given) answer this HTTP status and Twilio error code."""
        self._plan(
            count, Fault("error", status, code or DEFAULT_CODES.get(status, status * 100), message, to=to)
        )

    def drop_next(self, count: int = 1, to: str | None = None) -> None:
        """The next `count` creates are accepted and stored, then the connection closes without an answer."""
        self._plan(count, Fault("drop", to=to))

    def hang_next(self, count: int = 1, seconds: float = 30.0, to: str | None = None) -> None:
        """The next `count` creates are accepted and stored, then stall `seconds` and close unanswered."""
        self._plan(count, Fault("hang", seconds=seconds, to=to))

    def _plan(self, count: int, fault: Fault) -> None:
        with self.lock:
            self.faults.extend([fault] * count)

    def _next_fault(self, to: str) -> Fault | None:
        with self.lock:
            for i, fault in enumerate(self.faults):
                if fault.to in (None, to):
                    return self.faults.pop(i)
        return None

    # --- callbacks ---

    def callback_params(self, sid: str, status: str, error_code: int | str | None = None) -> dict[str, str]:
        """The form Twilio posts to a StatusCallback for this message and status."""
        with self.lock:
            message = self.messages[sid]
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": message["to"],
        }
        if message["from"]:
            params["From"] = message["from"]
        if message["messaging_service_sid"]:
            params["MessagingServiceSid"] = message["messaging_service_sid"]
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return params

    def sign(self, url: str, params: dict[str, str]) -> str:
        """X-Twilio-Signature for a POST of `params` to `url`."""
        return self.validator.compute_signature(url, params)

    def send_status(
        self, sid: str, status: str, error_code: int | str | None = None, url: str | None = None
    ) -> int:
        """POST a signed status callback for this message now: the HTTP status it got (0: unreachable)."""
        with self.lock:
            signed_url = self.messages[sid]["status_callback"] or url or self.callback_url
        target = url or self.callback_url or signed_url
        if not target or not signed_url:
            raise ValueError(f"{sid} has no StatusCallback and no callback URL was given.")
        params = self.callback_params(sid, status, error_code)
        request = urllib.request.Request(
            target,
            data=urllib.parse.urlencode(params).encode(),
            method="POST",
            headers={
                "X-Twilio-Signature": self.sign(signed_url, params),
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": "TwilioProxy/1.1",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                code = answer.status
        except urllib.error.HTTPError as refused:
            code = refused.code
        except OSError:
            code = 0
        with self.lock:
            self.callbacks_sent.append((sid, status, code))
            if not 200 <= code < 300:
                self.callbacks_failed += 1
        return code

    def _callback_worker(self) -> None:
        while (job := self._callbacks.get()) is not None:
            sid, status, not_before = job
            time.sleep(max(0.0, not_before - time.monotonic()))
            self.send_status(sid, status)

    # --- the server ---

    @property
    def base_url(self) -> str:
        """What TWILIO_API_BASE_URL (client.api.base_url) should be."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> TwilioStandIn:
        """Listen on host:port (a free port when 0) in a background thread."""
        self._server = _Server((self.host, self.port), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="twilio-standin",
            daemon=True,
        ).start()
        threading.Thread(target=self._callback_worker, name="twilio-standin-callbacks", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening (connections still open are daemon threads and die with the process)."""
        self._callbacks.put(None)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> TwilioStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the Messages API ---

    def create(self, account: str, form: dict[str, str]) -> tuple[int, dict[str, Any], Fault | None]:
        """Accept (or refuse) one message: the status, the JSON, and a fault to act out after storing."""
        to, body = form.get("To", ""), form.get("Body", "")
        sender, service = form.get("From"), form.get("MessagingServiceSid")
        fault = self._next_fault(to)
        refusal = None
        if fault is not None and fault.kind == "error":
            refusal = fault.status, fault.code, fault.message
        elif not to:
            refusal = 400, 21604, None
        elif not sender and not service:
            refusal = 400, 21603, None
        elif not body:
            refusal = 400, 21602, None
        elif not E164.match(to):
            refusal = 400, 21211, None
        with self.lock:
            self.requests.append({"to": to, "body": body, "status": refusal[0] if refusal else 201})
        if refusal:
            status, code, message = refusal
            return status, error_body(status, code, message, to=to), None
        now = datetime.now(UTC)
        sid = "SM" + secrets.token_hex(16)
        message = {
            "account_sid": account,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sender if not service else None,
            "messaging_service_sid": service,
            "num_media": "0",
            "num_segments": str(segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if service else "queued",
            "to": to,
            "status_callback": form.get("StatusCallback"),
        }
        answer = self.render(message)
        if not self.hold_queued:
            message["status"], message["date_sent"] = "sent", now
            if service:
                message["from"] = sender or "+447700900999"  # the service picks a number from its pool
        with self.lock:
            self.messages[sid] = message
            self.received[(to, body)] += 1
        if self.callback_url or (self.auto_callbacks and message["status_callback"]):
            not_before = time.monotonic() + self.callback_delay_ms / 1000
            for status in self.callback_statuses:
                self._callbacks.put((sid, status, not_before))
        return 201, answer, fault

    def fetch(self, account: str, sid: str) -> tuple[int, dict[str, Any]]:
        """One message, or Twilio's 404."""
        with self.lock:
            message = self.messages.get(sid)
        if message is None or message["account_sid"] != account:
            return 404, error_body(
                404, 20404, None, path=f"/{API_VERSION}/Accounts/{account}/Messages/{sid}.json"
            )
        return 200, self.render(message)

    def list(self, account: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """A page of messages, newest first, filtered as Twilio filters them."""
        try:
            wanted = _filters(query)
        except ValueError as bad:
            return 400, error_body(400, 20001, str(bad))
        with self.lock:
            found = [
                m for m in self.messages.values() if m["account_sid"] == account and all(f(m) for f in wanted)
            ]
        found.sort(key=lambda m: (m["date_sent"] or m["date_created"], m["date_created"]), reverse=True)
        size = min(max(int(query.get("PageSize", 50)), 1), 1000)
        page = max(int(query.get("Page", 0)), 0)
        chunk = found[page * size : (page + 1) * size]
        path = f"/{API_VERSION}/Accounts/{account}/Messages.json"
        kept = {k: v for k, v in query.items() if k not in ("Page", "PageSize", "PageToken")}

        def uri(n: int) -> str:
            extra = {"PageToken": f"PA{chunk[-1]['sid']}"} if n > page and chunk else {}
            return f"{path}?{urllib.parse.urlencode(kept | {'PageSize': size, 'Page': n} | extra)}"

        more = (page + 1) * size < len(found)
        return 200, {
            "messages": [self.render(m) for m in chunk],
            "end": page * size + max(len(chunk) - 1, 0),
            "start": page * size,
            "first_page_uri": uri(0),
            "next_page_uri": uri(page + 1) if more else None,
            "previous_page_uri": uri(page - 1) if page > 0 else None,
            "page": page,
            "page_size": size,
            "uri": uri(page),
        }

    def render(self, message: dict[str, Any]) -> dict[str, Any]:
        """A message as Twilio's JSON shows it."""
        shown = {k: v for k, v in message.items() if k != "status_callback"}
        for name in ("date_created", "date_sent", "date_updated"):
            shown[name] = rfc2822(message[name])
        uri = f"/{API_VERSION}/Accounts/{message['account_sid']}/Messages/{message['sid']}"
        shown["uri"] = f"{uri}.json"
        shown["subresource_uris"] = {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"}
        return shown


def error_body(status: int, code: int | None, message: str | None, **values: str) -> dict[str, Any]:
    """Twilio's error JSON."""
    code = code or DEFAULT_CODES.get(status, 20500)
    text = message or ERROR_MESSAGES.get(code, "Error").format_map({"to": "", "path": ""} | values)
    return {
        "code": code,
        "message": text,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _instant_or_day(text: str) -> datetime | date:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _filters(query: dict[str, str]) -> list:
    """Twilio's list filters. DateSent> means on or after, DateSent< on or before (a GMT day, or an instant);
    a message not yet sent (no date_sent) matches no DateSent filter."""
    wanted = []
    if "To" in query:
        wanted.append(lambda m, v=query["To"]: m["to"] == v)
    if "From" in query:
        wanted.append(lambda m, v=query["From"]: m["from"] == v)
    for key, test in (
        ("DateSent>", lambda a, b: a >= b),
        ("DateSent<", lambda a, b: a <= b),
        ("DateSent", lambda a, b: a == b),
    ):
        if key not in query:
            continue
        bound = _instant_or_day(query[key])
        if isinstance(bound, datetime) and key == "DateSent":
            bound = bound.date()

        def matches(m, bound=bound, test=test) -> bool:
            if m["date_sent"] is None:
                return False
            sent = m["date_sent"] if isinstance(bound, datetime) else m["date_sent"].astimezone(UTC).date()
            return test(sent, bound)

        wanted.append(matches)
    return wanted


class _Server(ThreadingHTTPServer):
    """http.server listens with a backlog of 5, which a dispatcher's burst of connections overflows
    (Linux then resets some); Twilio has no such limit."""

    request_queue_size = 512


def _handler(standin: TwilioStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Headers and body leave in two writes: without this each answer waits ~40 ms for a delayed ACK.
        disable_nagle_algorithm = True
        protocol_version = "HTTP/1.1"  # keep-alive, as Twilio's API; the client pools connections
        server_version = "TwilioStandIn/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read counts, not logs
            pass

        arrived = 0.0  # time.monotonic() when the request being handled came in
        answer_at: float | None = None  # when its API answer is due (delay_ms)

        def _reply(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            if self.answer_at is not None:
                time.sleep(max(0.0, self.answer_at - time.monotonic()))
                self.answer_at = None  # a kept-alive connection's next request sets its own
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            if self.headers.get("Content-Type", "").startswith("application/json"):
                return json.loads(raw or "{}")
            return dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))

        def _authorised(self, account: str) -> bool:
            scheme, _, encoded = self.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "basic":
                return False
            try:
                user, _, password = base64.b64decode(encoded).decode().partition(":")
            except ValueError:
                return False
            return user == standin.account_sid == account and secrets.compare_digest(
                password, standin.auth_token
            )

        def _route(self) -> tuple[re.Match[str] | None, dict[str, str]]:
            url = urllib.parse.urlsplit(self.path)
            return MESSAGES.match(url.path), dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))

        def _api(self) -> re.Match[str] | None:
            """The matched Messages route after auth and the delay, or None once an error was answered."""
            match, _ = self._route()
            if match is None:
                self._reply(404, error_body(404, 20404, None, path=urllib.parse.urlsplit(self.path).path))
                return None
            if standin.delay_ms:
                self.answer_at = self.arrived + standin.delay_ms / 1000
            if not self._authorised(match["account"]):
                self._reply(
                    401, error_body(401, 20003, None), {"WWW-Authenticate": 'Basic realm="Twilio API"'}
                )
                return None
            return match

        def do_GET(self) -> None:
            self.arrived = time.monotonic()
            if self.path.startswith("/_standin/received"):
                with standin.lock:
                    counts = [{"to": t, "body": b, "count": n} for (t, b), n in standin.received.items()]
                    payload = {
                        "total": sum(standin.received.values()),
                        "requests": len(standin.requests),
                        "messages": counts,
                        "callbacks_failed": standin.callbacks_failed,
                    }
                return self._reply(200, payload)
            match = self._api()
            if match is None:
                return
            if match["sid"]:
                return self._reply(*standin.fetch(match["account"], match["sid"]))
            return self._reply(*standin.list(match["account"], self._route()[1]))

        def do_POST(self) -> None:
            self.arrived = time.monotonic()
            if self.path.startswith("/_standin/"):
                return self._control()
            form = self._form()
            match = self._api()
            if match is None:
                return
            if match["sid"]:
                return self._reply(405, error_body(405, 20004, "Method not allowed"))
            status, payload, fault = standin.create(match["account"], form)
            if fault is not None and fault.kind in ("drop", "hang"):
                time.sleep(max(0.0, (self.answer_at or 0.0) - time.monotonic()) + fault.seconds)
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            self._reply(status, payload)

        def _control(self) -> None:
            if self.path.startswith("/_standin/reset"):
                self._form()
                standin.reset()
                return self._reply(200, {"reset": True})
            if self.path.startswith("/_standin/faults"):
                spec = self._form()
                count, kind = int(spec.get("count", 1)), spec.get("kind", "error")
                if kind == "drop":
                    standin.drop_next(count, to=spec.get("to"))
                elif kind == "hang":
                    standin.hang_next(count, float(spec.get("seconds", 30)), to=spec.get("to"))
                else:
                    standin.fail_next(
                        count,
                        int(spec.get("status", 500)),
                        spec.get("code") and int(spec["code"]),
                        spec.get("message"),
                        to=spec.get("to"),
                    )
                return self._reply(200, {"planned": len(standin.faults)})
            self._reply(404, error_body(404, 20404, None, path=self.path))

    return Handler


def main(argv: list[str] | None = None) -> None:
    """Run the stand-in as its own process; print the port, then serve until killed."""
    parser = argparse.ArgumentParser(description="A local Twilio Messages API stand-in.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (printed first)")
    parser.add_argument("--delay-ms", type=float, default=0, help="answer API calls this long after")
    parser.add_argument("--callback-url", help="post signed status callbacks (sent, delivered) here")
    parser.add_argument(
        "--auto-callbacks", action="store_true", help="post them to each message's StatusCallback"
    )
    parser.add_argument("--callback-delay-ms", type=float, default=0, help="wait before auto callbacks")
    parser.add_argument("--hold-queued", action="store_true", help="leave messages queued, with no date_sent")
    parser.add_argument("--account-sid", default=ACCOUNT_SID)
    parser.add_argument("--auth-token", default=AUTH_TOKEN)
    args = parser.parse_args(argv)
    standin = TwilioStandIn(
        args.account_sid,
        args.auth_token,
        host=args.host,
        port=args.port,
        delay_ms=args.delay_ms,
        callback_url=args.callback_url,
        auto_callbacks=args.auto_callbacks,
        hold_queued=args.hold_queued,
        callback_delay_ms=args.callback_delay_ms,
    ).start()
    print(standin.port, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()


if __name__ == "__main__":
    sys.exit(main())
