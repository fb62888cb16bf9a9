"""Signing in and out: sessions, disabled accounts, the rate limit, CSRF and each role's landing page."""

from __future__ import annotations

import pytest

from tests.web.helpers import PASSWORD, Browser, text


def test_a_page_asks_a_stranger_to_sign_in_first(browser):
    response = browser.get("/caseload")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_the_sign_in_page_is_a_gov_uk_form_with_labels(browser):
    page = text(browser.get("/sign-in"))

    assert '<label class="govuk-label" for="email">' in page
    assert '<label class="govuk-label" for="password">' in page
    assert "govuk-skip-link" in page and 'id="main-content"' in page


@pytest.mark.parametrize(
    "role, landing",
    [
        ("om", "/caseload"),
        ("resettlement", "/board"),
        ("treatment", "/caseload"),
        ("commissioner", "/overview"),
        ("admin", "/admin"),
    ],
)
def test_each_role_lands_on_its_own_page(world, signed_in, role, landing):
    client = signed_in(getattr(world, role))

    assert client.get("/").headers["Location"] == landing
    assert client.get(landing).status_code == 200


def test_a_wrong_password_is_refused_with_the_error_summary_and_the_email_kept(world, browser):
    response = browser.sign_in(world.om, password="not the password")
    page = text(response)

    assert response.status_code == 422
    assert "There is a problem" in page
    assert '<a href="#email">Enter a correct email address and password</a>' in page
    assert 'value="om@example.org"' in page
    assert "Error: Sign in" in page  # the title says so too, for screen readers


def test_a_disabled_account_cannot_sign_in(world, browser, db):
    world.om.active = False
    db.session.commit()

    response = browser.sign_in(world.om)

    assert response.status_code == 422
    assert "Your account has been disabled" in text(response)


def test_signing_in_goes_back_to_the_page_asked_for(world, browser):
    response = browser.post("/sign-in?next=/alerts", {"email": world.om.email, "password": PASSWORD})

    assert response.headers["Location"] == "/alerts"


def test_signing_in_never_sends_you_to_another_site(world, browser):
    response = browser.post("/sign-in?next=//evil.example", {"email": world.om.email, "password": PASSWORD})

    assert response.headers["Location"] == "/"


def test_a_post_without_its_csrf_token_is_refused(world, browser):
    response = browser.post_with_token("/sign-in", {"email": world.om.email, "password": PASSWORD}, None)

    assert response.status_code == 400
    assert "Sorry, we could not accept that form" in text(response)


def test_signing_out_ends_the_session_even_for_a_copied_cookie(world, app, signed_in):
    client = signed_in(world.om)
    copied = Browser(app.test_client())
    cookie = client.client.get_cookie("session")
    copied.client.set_cookie("session", cookie.value)
    assert copied.get("/caseload").status_code == 200

    response = client.post("/sign-out", form_url="/caseload")

    assert response.headers["Location"] == "/sign-in"
    assert client.get("/caseload").status_code == 302
    assert copied.get("/caseload").status_code == 302, "the old cookie must stop working"


def test_sign_in_attempts_are_rate_limited_per_account(world, browser, app):
    limit = int(app.config["LOGIN_ACCOUNT_RATE_LIMIT"].split(" ")[0])
    for _ in range(limit):
        assert browser.sign_in(world.om, password="wrong password!").status_code == 422

    refused = browser.sign_in(world.om)

    assert refused.status_code == 429
    assert "Too many attempts" in text(refused)


def test_a_successful_sign_in_does_not_count_towards_the_limit(world, signed_in, app):
    limit = int(app.config["LOGIN_ACCOUNT_RATE_LIMIT"].split(" ")[0])
    for _ in range(limit + 2):
        signed_in(world.om)


def test_the_commissioner_sees_figures_and_no_person(world, signed_in, make_case):
    make_case(world.om, "court", given_name="Visible")

    page = text(signed_in(world.commissioner).get("/overview"))

    assert "Continuity of care" in page and "Your alerts" in page
    assert "Visible" not in page


def test_the_commissioner_cannot_open_a_caseload_or_a_person(world, signed_in, make_case):
    person = make_case(world.om, "court")
    client = signed_in(world.commissioner)

    assert client.get("/caseload").status_code == 403
    assert client.get(f"/people/{person.id}").status_code == 404


# --- nothing given away (issue 10 item 7) ---

OFF_SITE = [
    "/%09/evil.example/phish",  # Flask decodes %09 to a tab, which browsers drop: //evil.example/phish
    "//evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "/%252F/evil.example",
    "/%0A/evil.example",
    "/%0D%0ALocation:%20https://evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/%E2%80%8B/evil.example",  # a zero-width space
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_never_sends_you_off_the_site_however_next_is_encoded(world, browser, target):
    response = browser.post(f"/sign-in?next={target}", {"email": world.om.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/alerts", "/people/3?tab=messages", "/caseload?q=a%20b", "/"])
def test_a_local_path_is_a_safe_next_page(target):
    from urllib.parse import unquote

    from tracker.web.sign_in_views import local_path

    assert local_path(unquote(target)) == unquote(target)


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_off_site_next_page_is_refused(target):
    from urllib.parse import unquote

    from tracker.web.sign_in_views import local_path

    assert local_path(unquote(target)) is None


def test_an_unknown_account_is_checked_against_a_password_hash_like_a_known_one(world, browser, monkeypatch):
    from argon2 import PasswordHasher

    verified = []
    real_verify = PasswordHasher.verify
    monkeypatch.setattr(
        PasswordHasher, "verify", lambda self, h, p: verified.append(h) or real_verify(self, h, p)
    )

    unknown = browser.post("/sign-in", {"email": "nobody@example.org", "password": PASSWORD})
    wrong = browser.sign_in(world.om, password="not the password")

    assert unknown.status_code == wrong.status_code == 422
    assert text(unknown).count("Enter a correct email address and password") == text(wrong).count(
        "Enter a correct email address and password"
    )
    assert len(verified) == 2, "an unknown account costs one Argon2 verification, as a wrong password does"
