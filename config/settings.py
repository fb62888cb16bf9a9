"""Settings classes, chosen by TRACKER_ENV; every secret comes from the environment."""

from __future__ import annotations

import os
from collections import Counter
from math import log2
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
DEFAULT_SECRET = "dev-only-not-secret"


def database_url(raw: str | None, default: str) -> str:
    """The SQLAlchemy URL, with plain postgresql:// URLs sent to the psycopg 3 driver we install."""
    url = raw or default
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class Settings:
    """What every environment shares."""

    ENV_NAME = "base"
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    # Keys still accepted while a new SECRET_KEY is rolled out (comma-separated; README "Running it for a
    # whole country"): sessions signed and second factors sealed with one keep working.
    SECRET_KEY_FALLBACKS = [key for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key]
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL"), f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite3'}"
    )
    # hide_parameters: a failed statement's message would otherwise carry its parameters (names, dates of
    # birth, mobiles) into the logs.
    # No pool_pre_ping: it costs every request a round trip (a third of /healthz's statements) to guard
    # against something rarer. A connection the database or a middle box drops is handled so: one older
    # than pool_recycle is replaced before use, under the shortest idle timeout of the usual middle boxes
    # (Azure's load balancer, 4 minutes; AWS's NAT gateway, 350 s); and after a restart or failover the
    # request that meets a dead connection fails before any write, its error marks it a disconnect, and
    # SQLAlchemy then replaces every connection of that worker's pool, so the next request has a new one.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": 180, "hide_parameters": True}
    TIMEZONE = os.environ.get("TIMEZONE", "Europe/London")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "outbox")
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN")
    TWILIO_FROM = os.environ.get("TWILIO_FROM")
    TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID")
    TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL")
    # The number texts tell people to call when their offender manager's team has none.
    SMS_CONTACT_NUMBER = os.environ.get("SMS_CONTACT_NUMBER", "0300 123 4567")
    # Ofcom's drama range (07700 900000-900999) is fine for demo data, never for real people.
    ALLOW_DRAMA_NUMBERS = False
    # ATR limits (Sentencing Act 2020 Sch 9; the Sentencing Act 2026 raises them for newer orders).
    ATR_COMMUNITY_ORDER_MAX_MONTHS = 36
    ATR_SSO_SUPERVISION_MIN_MONTHS = 6
    ATR_SSO_SUPERVISION_MAX_MONTHS = 24
    ATR_SSO_OPERATIONAL_MIN_MONTHS = 6
    ATR_SSO_OPERATIONAL_MAX_MONTHS = 24
    # Manage POM Cases: community responsibility starts this long before a parole case's PED.
    POM_HANDOVER_PAROLE_LEAD_MONTHS = 12
    # Post-sentence supervision (to TUSED) may start only before this day (ISO date; unset: still in force).
    # The Sentencing Act 2026 ends PSS; set the day its commencement order gives.
    PSS_ENDS_ON = os.environ.get("PSS_ENDS_ON") or None

    # /metrics (tracker/metrics.py) answers only a request with `Authorization: Bearer <METRICS_TOKEN>`,
    # and 404 to any other, or to every request while it is unset.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    # "json": one JSON object a log line (tracker/jsonlog.py), for a log shipper; "text" for a terminal.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")

    # Sent on every answer where set (tracker/web/headers.py): production only, as it is served over HTTPS.
    STRICT_TRANSPORT_SECURITY: str | None = None

    # Pages check CSRF in their blueprint (tracker/web); the API (bearer tokens) and webhooks are not forms.
    WTF_CSRF_CHECK_DEFAULT = False
    # Sign-in attempts, counted per client address and per account; production shares the counts
    # between workers through Redis (RATELIMIT_STORAGE_URI=redis://host:6379/0).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # How many reverse proxies stand in front (their X-Forwarded-For is trusted, so the login
    # limit counts each client rather than the proxy).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # The scheduler's tick (the sweep and dispatch run every tick) and how often a standby polls.
    SCHEDULER_TICK_SECONDS = float(os.environ.get("SCHEDULER_TICK_SECONDS", "60"))
    SCHEDULER_POLL_SECONDS = float(os.environ.get("SCHEDULER_POLL_SECONDS", "5"))
    # /healthz calls a job stale, and /healthz/jobs answers 503, when it has not run for this many ticks.
    JOBS_STALE_TICKS = float(os.environ.get("JOBS_STALE_TICKS", "3"))
    # What one request may send: a body over MAX_CONTENT_LENGTH is refused unread (413), before any
    # authentication; a form keeps at most MAX_FORM_MEMORY_SIZE bytes of fields in at most
    # MAX_FORM_PARTS parts. Only a view marked tracker.inputs.accepts_uploads takes up to
    # MAX_UPLOAD_CONTENT_LENGTH (no view does yet).
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024
    MAX_FORM_PARTS = 200
    MAX_UPLOAD_CONTENT_LENGTH = 20 * 1024 * 1024
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per minute;20 per hour"
    # Credentials end: an API token after this many days; a page session after this long without a
    # request, and after this long whatever happens (tracker/auth/sessions.py).
    API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
    # A calendar feed's address works this long; its owner makes a new one (and the old one stops) after.
    CALENDAR_FEED_DAYS = int(os.environ.get("CALENDAR_FEED_DAYS", "180"))
    # How far ahead a calendar feed lists appointments, hearings and planned releases.
    CALENDAR_FEED_HORIZON_DAYS = int(os.environ.get("CALENDAR_FEED_HORIZON_DAYS", "120"))
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    # Between a right password and an admin's code: how long the code may take.
    SECOND_FACTOR_MINUTES = 5
    # The name an admin's authenticator app shows beside the code.
    SECOND_FACTOR_ISSUER = os.environ.get("SECOND_FACTOR_ISSUER", "Pathway Tracker")

    API_TITLE = "Pathway Tracker"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }


class Development(Settings):
    """A laptop: SQLite, the outbox SMS backend, demo phone numbers allowed."""

    ENV_NAME = "development"
    ALLOW_DRAMA_NUMBERS = True


class Test(Settings):
    """The test suite: a database of its own, never the development one."""

    ENV_NAME = "test"
    PASSWORD_HASH_PROFILE = "fast"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL"), "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"


class Production(Settings):
    """A real deployment: refuses unsafe defaults."""

    ENV_NAME = "production"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    # __Host-: browsers keep the cookie only if it is Secure, for Path=/ and with no Domain, so no
    # other host (a sibling subdomain, say) can set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True


ENVIRONMENTS: dict[str, type[Settings]] = {
    "development": Development,
    "test": Test,
    "production": Production,
}


class UnsafeSettings(RuntimeError):
    """Production settings that must not start."""


def settings_for(name: str | None = None) -> type[Settings]:
    """The settings class for TRACKER_ENV (development by default)."""
    name = name or os.environ.get("TRACKER_ENV", "development")
    try:
        return ENVIRONMENTS[name]
    except KeyError:
        raise UnsafeSettings(f"TRACKER_ENV={name!r} is not one of {', '.join(ENVIRONMENTS)}.") from None


MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 128


def _repeated_block(text: str) -> str:
    # The shortest block that text repeats at least twice over (a prefix of it may close the text),
    # found with the KMP border table; text itself when it repeats nothing.
    border = [0] * len(text)
    for i in range(1, len(text)):
        k = border[i - 1]
        while k and text[i] != text[k]:
            k = border[k - 1]
        border[i] = k + (text[i] == text[k])
    period = len(text) - border[-1] if text else 0
    return text[:period] if 2 * period <= len(text) else text


def secret_entropy_bits(secret: str) -> float:
    """An estimate of a secret's entropy in bits: the Shannon entropy of its characters, per character,
    times the length of its shortest repeating block (32 x "a" is 0 bits; "ab" repeated is 2)."""
    block = _repeated_block(secret)
    counts = Counter(block).values()
    return -sum(n * log2(n / len(block)) for n in counts)


def check_production(config: dict, warn) -> None:
    """Refuse to run production with a guessable secret, debug mode or a per-worker sign-in limit;
    warn when it runs on SQLite."""
    secret = config.get("SECRET_KEY")
    if (
        not secret
        or secret == DEFAULT_SECRET
        or len(secret) < MIN_SECRET_LENGTH
        or secret_entropy_bits(secret) < MIN_SECRET_BITS
    ):
        raise UnsafeSettings(
            f"Production needs SECRET_KEY set in the environment to a random value of at least "
            f"{MIN_SECRET_LENGTH} characters and about {MIN_SECRET_BITS} bits of entropy "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if config.get("DEBUG"):
        # Werkzeug's debugger runs any Python a visitor types.
        raise UnsafeSettings("Production refuses debug mode: unset FLASK_DEBUG (and DEBUG).")
    if (config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
        raise UnsafeSettings(
            "Production needs RATELIMIT_STORAGE_URI set to a store every worker shares "
            "(for example redis://host:6379/0): with one count per worker, the sign-in limit multiplies."
        )
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        warn("Production is running on SQLite; use PostgreSQL (DATABASE_URL).")
