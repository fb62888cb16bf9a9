"""Security headers and caching on every answer, in every environment (issue 10 item 8)."""

from __future__ import annotations

import secrets

import pytest

from config.settings import Settings
from tracker import create_app
from tracker.web.headers import SECURITY_HEADERS

IN_MEMORY = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}


@pytest.fixture
def development():
    """A development app on an empty in-memory database: its pages and answers, not its data."""
    return create_app(env="development", overrides=IN_MEMORY).test_client()


@pytest.mark.parametrize("path", ["/sign-in", "/healthz", "/api/v1/me", "/no-such-page"])
def test_development_answers_carry_the_production_security_headers(development, path):
    response = development.get(path)

    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    assert "base-uri 'none'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # HTTPS is production's business


def test_only_production_sends_strict_transport_security():
    assert Settings.STRICT_TRANSPORT_SECURITY is None
    app = create_app(
        env="production",
        overrides=IN_MEMORY
        | {"SECRET_KEY": secrets.token_hex(32), "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"},
    )

    response = app.test_client().get("/healthz")

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_a_page_forbids_a_base_element_and_keeps_its_script_nonce(world, signed_in):
    response = signed_in(world.om).get("/caseload")

    policy = response.headers["Content-Security-Policy"]
    assert "base-uri 'none'" in policy
    assert "'nonce-" in policy and "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("path", ["/caseload", "/alerts", "/sign-in", "/no-such-page"])
def test_no_page_is_kept_in_a_cache(world, signed_in, path):
    response = signed_in(world.om).get(path)

    assert response.headers["Cache-Control"] == "no-store"


def test_no_api_answer_is_kept_in_a_cache(world, api_as, client):
    api = api_as(world.om)
    for response in (api.get("/me"), api.get("/people"), client.get("/api/v1/me")):
        assert response.headers["Cache-Control"] == "no-store", response.request.path


def test_static_assets_may_be_cached(client):
    with client.get("/web-static/app.css") as response:  # a file served is open until closed
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
