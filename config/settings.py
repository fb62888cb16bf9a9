"""Settings classes, chosen by TRACKER_ENV; every secret comes from the environment."""

from __future__ import annotations

import os
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
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL"), f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
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
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    LOGIN_ACCOUNT_RATE_LIMIT = "5 per minute;20 per hour"

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


def check_production(config: dict, warn) -> None:
    """Refuse to run production without a real secret; warn when it runs on SQLite."""
    secret = config.get("SECRET_KEY")
    if not secret or secret == DEFAULT_SECRET or len(secret) < 32:
        raise UnsafeSettings(
            "Production needs SECRET_KEY set in the environment to a random value of "
            "at least 32 characters (for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        warn("Production is running on SQLite; use PostgreSQL (DATABASE_URL).")
