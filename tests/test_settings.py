"""Settings chosen by TRACKER_ENV; production refuses unsafe defaults (DESIGN: Configuration, Security)."""

from __future__ import annotations

import logging
import secrets

import psycopg
import pytest
from flask import session

from config.settings import DEFAULT_SECRET, UnsafeSettings, database_url, settings_for
from tracker import create_app

# Production apps built here never touch the test database, and share sign-in counts through a store.
IN_MEMORY = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
SHARED_LIMITS = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
GOOD_SECRET = secrets.token_hex(32)


def production(**overrides):
    return create_app(env="production", overrides=IN_MEMORY | SHARED_LIMITS | overrides)


@pytest.mark.parametrize("secret", [None, "", DEFAULT_SECRET], ids=["none", "empty", "default"])
def test_production_refuses_to_start_without_a_real_secret(secret):
    with pytest.raises(UnsafeSettings, match="SECRET_KEY"):
        production(SECRET_KEY=secret)


def test_production_refuses_a_short_secret():
    with pytest.raises(UnsafeSettings):
        production(SECRET_KEY="x" * 31)


def test_production_starts_with_a_long_random_secret_and_warns_on_sqlite(caplog):
    with caplog.at_level(logging.WARNING):
        app = production(SECRET_KEY=GOOD_SECRET)

    assert app.config["SECRET_KEY"] == GOOD_SECRET
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "SQLite" in r.getMessage()]
    assert len(warnings) == 1


def test_production_on_postgresql_starts_without_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        production(
            SECRET_KEY=GOOD_SECRET, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@db.internal/tracker"
        )

    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_production_cookies_are_secure():
    config = production(SECRET_KEY=GOOD_SECRET).config

    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_SECURE"] is True


def test_a_production_session_cookie_carries_the_secure_flags():
    app = production(SECRET_KEY=GOOD_SECRET)

    @app.get("/_set-session")
    def set_session():
        session["seen"] = True
        return ""

    cookie = app.test_client().get("/_set-session").headers["Set-Cookie"]

    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # __Host-: Secure, Path=/ and no Domain, so no other host can set or overwrite it.
    assert cookie.startswith("__Host-session=")
    assert "Path=/;" in cookie + ";" and "Domain" not in cookie


@pytest.mark.parametrize("env", ["staging", "prod", "Production"])
def test_an_unknown_tracker_env_refuses_to_start(monkeypatch, env):
    monkeypatch.setenv("TRACKER_ENV", env)

    with pytest.raises(UnsafeSettings, match=env):
        create_app(overrides=IN_MEMORY)


def test_an_unknown_env_argument_refuses_to_start():
    with pytest.raises(UnsafeSettings):
        create_app(env="staging", overrides=IN_MEMORY)


@pytest.mark.parametrize(
    ("env", "name"), [("development", "development"), ("test", "test"), ("production", "production")]
)
def test_tracker_env_chooses_the_settings(monkeypatch, env, name):
    monkeypatch.setenv("TRACKER_ENV", env)

    assert settings_for().ENV_NAME == name


def test_development_is_the_default(monkeypatch):
    monkeypatch.delenv("TRACKER_ENV", raising=False)

    assert settings_for().ENV_NAME == "development"


def test_only_development_allows_drama_range_numbers():
    assert settings_for("development").ALLOW_DRAMA_NUMBERS is True
    assert settings_for("test").ALLOW_DRAMA_NUMBERS is False
    assert settings_for("production").ALLOW_DRAMA_NUMBERS is False


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_database_url_sends_postgresql_to_the_psycopg_driver(raw, expected):
    assert database_url(raw, "") == expected


@pytest.mark.parametrize("raw", [None, ""])
def test_database_url_falls_back_to_the_default(raw):
    assert database_url(raw, "sqlite://") == "sqlite://"


def test_production_answers_carry_security_headers():
    from tracker.web.headers import SECURITY_HEADERS

    app = production(SECRET_KEY=GOOD_SECRET)
    response = app.test_client().get("/healthz")

    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for():
    from flask import request

    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "PROXY_COUNT": 1}, env="development")
    seen = {}

    @app.get("/_whoami")
    def whoami():
        seen["addr"] = request.remote_addr
        return ""

    app.test_client().get(
        "/_whoami", headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "10.0.0.1"}
    )
    assert seen["addr"] == "203.0.113.9"


# --- production refuses what gives things away (issue 10 item 7) ---


@pytest.mark.parametrize(
    "secret",
    ["a" * 32, "a" * 64, "ab" * 32, "0123456789" * 4, "password" * 8],
    ids=["32 a", "64 a", "ab repeated", "digits repeated", "a word repeated"],
)
def test_production_refuses_a_long_secret_with_little_entropy(secret):
    with pytest.raises(UnsafeSettings, match="SECRET_KEY"):
        production(SECRET_KEY=secret)


@pytest.mark.parametrize("make", [lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(32)])
def test_production_accepts_what_secrets_makes(make):
    secret = make()

    assert production(SECRET_KEY=secret).config["SECRET_KEY"] == secret


@pytest.mark.parametrize(
    ("secret", "at_least", "below"),
    [
        ("", 0, 1),
        ("a" * 32, 0, 1),
        ("ab", 2, 3),
        ("ab" * 32, 2, 3),  # a repeated block says no more than the block
        ("0123456789abcdef" + "fedcba9876543210", 128, 129),
        ("0123456789abcdef" * 2 + "0123", 64, 65),
    ],
)
def test_secret_entropy_is_estimated_from_its_characters_and_repeats(secret, at_least, below):
    from config.settings import secret_entropy_bits

    assert at_least <= secret_entropy_bits(secret) < below


@pytest.mark.parametrize("uri", [None, "", "memory://"])
def test_production_refuses_a_sign_in_limit_store_of_its_own_per_worker(uri):
    with pytest.raises(UnsafeSettings, match="RATELIMIT_STORAGE_URI"):
        production(SECRET_KEY=GOOD_SECRET, RATELIMIT_STORAGE_URI=uri)


def test_production_refuses_debug_mode_from_flask_debug(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")

    with pytest.raises(UnsafeSettings, match="debug"):
        production(SECRET_KEY=GOOD_SECRET)


def test_production_refuses_debug_mode_from_its_settings():
    with pytest.raises(UnsafeSettings, match="debug"):
        production(SECRET_KEY=GOOD_SECRET, DEBUG=True)


def test_development_still_starts_with_the_in_memory_store_and_debug(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")

    app = create_app(env="development", overrides=IN_MEMORY)

    assert app.debug and app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_a_connection_the_database_dropped_fails_one_request_and_the_next_has_a_new_one(app, client, db):
    """No pool_pre_ping (a round trip a request): after a restart or failover, the request that meets a dead
    connection fails before any write and the worker's pool is replaced, so the next one is answered."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the database dropping a connection needs PostgreSQL")
    assert client.get("/healthz").status_code == 200  # the pool now holds a connection
    db.session.remove()  # as each request's teardown does outside a test's app context
    outside = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(outside, autocommit=True) as admin:  # as a restart would, drops every other
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )

    failed = client.get("/healthz")
    db.session.remove()
    answered = client.get("/healthz")

    assert (failed.status_code, failed.json["database"]) == (503, "unreachable")
    assert (answered.status_code, answered.json["database"]) == (200, "ok")
