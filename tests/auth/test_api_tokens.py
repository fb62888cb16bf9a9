"""API tokens end when they should: they expire, and a password reset or a disable revokes them;
their owner and an admin list and revoke them, on a page or from the CLI (issue 10 item 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.web.helpers import text
from tracker.auth import service
from tracker.auth.models import ApiToken
from tracker.types import utcnow


@pytest.fixture
def om(world):
    return world.om


def _token_row(db, staff) -> ApiToken:
    return db.session.scalars(select(ApiToken).where(ApiToken.staff_id == staff.id)).one()


def test_a_token_ends_90_days_after_it_is_issued_by_default(app, om, api_as, db):
    assert app.config["API_TOKEN_DAYS"] == 90
    api_as(om)

    row = _token_row(db, om)

    assert row.expires_at - row.created_at == timedelta(days=90)


def test_the_lifetime_is_a_setting(app, om, api_as, db, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_DAYS", 7)
    api_as(om)

    row = _token_row(db, om)

    assert row.expires_at - row.created_at == timedelta(days=7)


def test_an_expired_token_is_refused(om, api_as, db):
    api = api_as(om)
    assert api.get("/me").status_code == 200

    _token_row(db, om).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert api.get("/me").status_code == 401


def test_a_password_reset_revokes_every_token(world, api_as, signed_in, db):
    api = api_as(world.om)

    reset = signed_in(world.admin).post(
        f"/admin/staff/{world.om.id}/password",
        {"password": "a brand new password", "confirm": "a brand new password"},
    )

    assert reset.status_code == 302
    assert api.get("/me").status_code == 401
    assert _token_row(db, world.om).revoked_at is not None


def test_disabling_revokes_every_token_and_enabling_again_revives_none(world, api_as, signed_in):
    api = api_as(world.om)
    admin = signed_in(world.admin)

    admin.post(f"/admin/staff/{world.om.id}/disable", form_url="/admin")
    admin.post(f"/admin/staff/{world.om.id}/enable", form_url="/admin")

    assert api.get("/me").status_code == 401


def test_the_owner_sees_their_tokens_and_nobody_elses(world, signed_in, db):
    service.issue_token(world.om, label="reporting script", now=utcnow())
    service.issue_token(world.om2, label="someone else's", now=utcnow())
    db.session.commit()

    page = text(signed_in(world.om).get("/account/tokens"))

    assert "Your API tokens" in page and "reporting script" in page and "Active" in page
    assert "someone else's" not in page


def test_the_owner_revokes_their_own_token(world, api_as, signed_in, db):
    api = api_as(world.om)
    token = _token_row(db, world.om)

    response = signed_in(world.om).post(f"/account/tokens/{token.id}/revoke", form_url="/account/tokens")

    assert response.headers["Location"] == "/account/tokens"
    assert api.get("/me").status_code == 401


def test_nobody_revokes_another_persons_token_from_their_own_page(world, api_as, signed_in, db):
    api = api_as(world.om2)
    token = _token_row(db, world.om2)

    response = signed_in(world.om).post(f"/account/tokens/{token.id}/revoke", form_url="/account/tokens")

    assert response.status_code == 404
    assert api.get("/me").status_code == 200


def test_an_admin_lists_and_revokes_an_accounts_tokens(world, api_as, signed_in, db):
    api = api_as(world.om)
    token = _token_row(db, world.om)
    admin = signed_in(world.admin)
    page_url = f"/admin/staff/{world.om.id}/tokens"

    assert "Olivia Mensah&#39;s API tokens" in text(admin.get(page_url))
    response = admin.post(f"{page_url}/{token.id}/revoke", form_url=page_url)

    assert response.headers["Location"] == page_url
    assert api.get("/me").status_code == 401
    assert "Revoked" in text(admin.get(page_url))


def test_an_admin_revokes_every_token_of_an_account_at_once(world, api_as, signed_in):
    first, second = api_as(world.om), api_as(world.om)
    page_url = f"/admin/staff/{world.om.id}/tokens"

    signed_in(world.admin).post(f"{page_url}/revoke", form_url=page_url)

    assert first.get("/me").status_code == second.get("/me").status_code == 401


@pytest.mark.parametrize("role", ["om", "resettlement", "treatment", "commissioner"])
def test_only_an_admin_opens_another_accounts_tokens(world, signed_in, role):
    client = signed_in(getattr(world, role))

    assert client.get(f"/admin/staff/{world.om2.id}/tokens").status_code == 403


# --- the CLI ---


@pytest.fixture
def flask(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_users_token_takes_a_label_and_a_lifetime(flask, world, db):
    result = flask("users", "token", world.om.email, "--label", "nightly export", "--days", "30")

    assert result.exit_code == 0, result.output
    row = _token_row(db, world.om)
    assert (row.label, row.expires_at - row.created_at) == ("nightly export", timedelta(days=30))


def test_users_tokens_lists_each_token_with_its_state(flask, world, api_as, db):
    api_as(world.om)
    revoked = service.issue_token(world.om, label="old laptop", now=utcnow())
    service.revoke_token(
        db.session.scalars(select(ApiToken).where(ApiToken.label == "old laptop")).one(), None, now=utcnow()
    )
    db.session.commit()

    lines = flask("users", "tokens", world.om.email).output.strip().splitlines()

    assert [line.split("\t")[1] for line in lines] == ["revoked", "active"]
    assert lines[0].endswith("old laptop") and revoked not in "".join(lines)


def test_users_revoke_token_revokes_that_token_only(flask, world, api_as, db):
    kept, revoked = api_as(world.om), api_as(world.om)
    token_id = max(t.id for t in service.tokens_of(world.om))

    result = flask("users", "revoke-token", world.om.email, str(token_id))

    assert result.exit_code == 0, result.output
    assert (kept.get("/me").status_code, revoked.get("/me").status_code) == (200, 401)


def test_users_revoke_token_refuses_another_accounts_token(flask, world, api_as, db):
    api = api_as(world.om2)
    token_id = _token_row(db, world.om2).id

    result = flask("users", "revoke-token", world.om.email, str(token_id))

    assert result.exit_code == 1 and "has no token" in result.output
    assert api.get("/me").status_code == 200


def test_users_revoke_tokens_revokes_every_live_token(flask, world, api_as):
    first, second = api_as(world.om), api_as(world.om)

    result = flask("users", "revoke-tokens", world.om.email)

    assert result.exit_code == 0 and "Revoked 2 tokens" in result.output
    assert first.get("/me").status_code == second.get("/me").status_code == 401
