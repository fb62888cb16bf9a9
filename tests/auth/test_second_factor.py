"""Admins sign in with a TOTP code as well as a password, enrolled by QR code (issue 10 item 6)."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from tests.web.helpers import PASSWORD, Browser, csrf_token, text, totp_code
from tracker.auth import second_factor
from tracker.auth.models import Staff
from tracker.types import utcnow


@pytest.fixture
def admin_browser(app):
    return Browser(app.test_client())


def password_step(browser: Browser, staff) -> str:
    response = browser.post("/sign-in", {"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def enter_code(browser: Browser, step: str, code):
    """Open the step's page (setting up makes the secret), then post the code (or what code() says)."""
    page = browser.get(step)
    code = code() if callable(code) else code
    return browser.post_with_token(step, {"code": code}, csrf_token(page.get_data(as_text=True)))


def code_of(staff):
    return lambda: totp_code(staff)


def enrol(browser: Browser, staff) -> None:
    assert password_step(browser, staff) == "/sign-in/set-up-code"
    assert enter_code(browser, "/sign-in/set-up-code", code_of(staff)).status_code == 302
    browser.post("/sign-out", form_url="/admin")


def test_an_admins_first_sign_in_sets_up_an_authenticator_with_a_qr_code(world, admin_browser, db):
    assert password_step(admin_browser, world.admin) == "/sign-in/set-up-code"

    page = admin_browser.get("/sign-in/set-up-code")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert "<svg" in html and "QR code for your authenticator app" in html
    key = re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert key == second_factor.secret_of(db.session.get(Staff, world.admin.id, populate_existing=True))
    assert 'autocomplete="one-time-code"' in html


def test_a_code_from_the_new_authenticator_finishes_the_sign_in(world, admin_browser, db):
    password_step(admin_browser, world.admin)

    response = enter_code(admin_browser, "/sign-in/set-up-code", code_of(world.admin))

    assert response.headers["Location"] == "/"
    assert admin_browser.get("/admin").status_code == 200
    assert db.session.get(Staff, world.admin.id, populate_existing=True).totp_enrolled_at is not None


def test_no_page_opens_between_the_password_and_the_code(world, admin_browser):
    password_step(admin_browser, world.admin)

    assert admin_browser.get("/admin").headers["Location"].startswith("/sign-in")


def test_every_later_sign_in_asks_for_the_code(world, admin_browser):
    enrol(admin_browser, world.admin)

    assert password_step(admin_browser, world.admin) == "/sign-in/code"
    wrong = enter_code(admin_browser, "/sign-in/code", "000000")
    assert wrong.status_code == 422
    assert "Enter the 6-digit code your authenticator app shows now" in text(wrong)
    assert admin_browser.get("/admin").status_code == 302

    right = enter_code(admin_browser, "/sign-in/code", totp_code(world.admin))

    assert right.headers["Location"] == "/"
    assert admin_browser.get("/admin").status_code == 200


def test_the_secret_is_never_shown_again_once_enrolled(world, admin_browser, db):
    enrol(admin_browser, world.admin)
    secret = second_factor.secret_of(db.session.get(Staff, world.admin.id, populate_existing=True))
    password_step(admin_browser, world.admin)

    page = admin_browser.get("/sign-in/set-up-code")

    assert page.headers["Location"] == "/sign-in/code"
    assert secret not in admin_browser.get("/sign-in/code").get_data(as_text=True)


def test_a_code_signs_in_once(world, app, admin_browser, db):
    enrol(admin_browser, world.admin)
    code = totp_code(world.admin)
    password_step(admin_browser, world.admin)
    assert enter_code(admin_browser, "/sign-in/code", code).status_code == 302

    someone_watching = Browser(app.test_client())
    password_step(someone_watching, world.admin)

    assert enter_code(someone_watching, "/sign-in/code", code).status_code == 422


def test_a_code_from_the_step_before_or_after_is_accepted_for_clock_drift(world, db):
    account = db.session.get(Staff, world.admin.id)
    secret = second_factor.pending_secret(account)
    totp, now = pyotp.TOTP(secret), utcnow()

    assert second_factor.check_code(account, totp.at(now - timedelta(seconds=30)), now)
    assert second_factor.check_code(account, totp.at(now + timedelta(seconds=30)), now)
    assert not second_factor.check_code(account, totp.at(now + timedelta(seconds=90)), now)


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(admin_browser):
    assert admin_browser.get("/sign-in/code").headers["Location"] == "/sign-in"
    assert admin_browser.get("/sign-in/set-up-code").headers["Location"] == "/sign-in"


def test_the_code_must_follow_the_password_within_minutes(world, app, admin_browser):
    enrol(admin_browser, world.admin)
    password_step(admin_browser, world.admin)
    token = csrf_token(admin_browser.get("/sign-in/code").get_data(as_text=True))
    with admin_browser.client.session_transaction() as session:
        waiting = session["pending_sign_in"]
        late = waiting["at"] - app.config["SECOND_FACTOR_MINUTES"] * 60 - 1
        session["pending_sign_in"] = waiting | {"at": late}

    response = admin_browser.post_with_token("/sign-in/code", {"code": totp_code(world.admin)}, token)

    assert response.headers["Location"] == "/sign-in"
    assert admin_browser.get("/admin").status_code == 302


def test_other_roles_sign_in_with_a_password_alone(world, signed_in):
    assert signed_in(world.om).get("/caseload").status_code == 200


def test_a_session_made_admin_without_a_code_is_signed_out(world, signed_in, db):
    client = signed_in(world.om)
    world.om.role = "admin"
    db.session.commit()

    assert client.get("/admin").headers["Location"].startswith("/sign-in")


def test_code_attempts_are_rate_limited_per_account(world, app, admin_browser):
    enrol(admin_browser, world.admin)
    password_step(admin_browser, world.admin)
    limit = int(app.config["LOGIN_ACCOUNT_RATE_LIMIT"].split(" ")[0])
    for _ in range(limit):
        assert enter_code(admin_browser, "/sign-in/code", "000000").status_code == 422

    assert enter_code(admin_browser, "/sign-in/code", totp_code(world.admin)).status_code == 429


def test_a_database_copy_alone_does_not_give_the_secret_away(world, app, admin_browser, db):
    enrol(admin_browser, world.admin)
    account = db.session.get(Staff, world.admin.id, populate_existing=True)
    secret = second_factor.secret_of(account)

    assert secret not in account.totp_secret
    app.config["SECRET_KEY"], kept = "another key " * 4, app.config["SECRET_KEY"]
    try:
        assert second_factor.secret_of(account) is None
        app.config["SECRET_KEY_FALLBACKS"] = [kept]  # a rotated key still opens it
        assert second_factor.secret_of(account) == secret
    finally:
        app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = kept, []


def test_an_admin_resets_another_admins_lost_authenticator(world, app, signed_in, make_staff, db):
    other = make_staff("admin", team=world.probation)
    enrol(Browser(app.test_client()), other)
    old_session = signed_in(other)

    response = signed_in(world.admin).post(f"/admin/staff/{other.id}/second-factor/reset", form_url="/admin")

    assert response.headers["Location"] == "/admin"
    assert old_session.get("/admin").status_code == 302
    assert password_step(Browser(app.test_client()), other) == "/sign-in/set-up-code"


def test_users_reset_second_factor_on_the_command_line(world, app, admin_browser, db):
    enrol(admin_browser, world.admin)

    result = app.test_cli_runner().invoke(args=["users", "reset-second-factor", world.admin.email])

    assert result.exit_code == 0, result.output
    assert password_step(admin_browser, world.admin) == "/sign-in/set-up-code"
