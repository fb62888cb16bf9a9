"""Admin: teams and staff; disabling ends sessions; never a person's record."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.helpers import text


def test_an_admin_adds_a_team_and_an_account(world, signed_in, db):
    from tracker.auth.models import Staff, Team

    client = signed_in(world.admin)
    assert (
        client.post("/admin/teams/new", {"name": "HMP Cardiff", "kind": "prison", "code": "CFI"}).status_code
        == 302
    )
    added = client.post(
        "/admin/staff/new",
        {
            "name": "New Person",
            "email": "New@Example.org",
            "role": "resettlement",
            "team": "HMP Cardiff",
            "password": "a long enough password",
        },
    )

    assert added.status_code == 302
    account = db.session.scalar(select(Staff).where(Staff.email == "new@example.org"))
    assert account.team == db.session.scalar(select(Team).where(Team.code == "CFI"))


def test_the_service_refusal_is_shown_by_the_field(world, signed_in):
    response = signed_in(world.admin).post(
        "/admin/staff/new",
        {
            "name": "Dup",
            "email": world.om.email,
            "role": "admin",
            "team": "Bristol Probation",
            "password": "short",
        },
    )
    page = text(response)

    assert response.status_code == 422
    assert "Use at least 12 characters." in page or "already has an account" in page


def test_disabling_an_account_signs_it_out_at_once(world, signed_in, db):
    victim = signed_in(world.om)
    assert victim.get("/caseload").status_code == 200

    response = signed_in(world.admin).post(f"/admin/staff/{world.om.id}/disable", form_url="/admin")

    assert response.status_code == 302
    assert victim.get("/caseload").status_code == 302
    db.session.refresh(world.om)
    assert world.om.active is False


def test_an_admin_cannot_disable_their_own_account(world, signed_in, db):
    signed_in(world.admin).post(f"/admin/staff/{world.admin.id}/disable", form_url="/admin")

    db.session.refresh(world.admin)
    assert world.admin.active is True


def test_a_reset_password_works_and_ends_old_sessions(world, signed_in, browser):
    victim = signed_in(world.om)
    admin = signed_in(world.admin)

    response = admin.post(
        f"/admin/staff/{world.om.id}/password",
        {"password": "a brand new password", "confirm": "a brand new password"},
    )

    assert response.status_code == 302
    assert victim.get("/caseload").status_code == 302
    assert browser.sign_in(world.om, password="a brand new password").status_code == 302


def test_mismatched_passwords_are_refused(world, signed_in):
    response = signed_in(world.admin).post(
        f"/admin/staff/{world.om.id}/password",
        {"password": "a brand new password", "confirm": "something else!!"},
    )

    assert response.status_code == 422 and "The passwords do not match" in text(response)


def test_admin_shows_no_case_data_and_only_admins_open_it(world, signed_in, make_case):
    make_case(world.om, "court", given_name="Casey")

    assert "Casey" not in text(signed_in(world.admin).get("/admin"))
    assert signed_in(world.om).get("/admin").status_code == 403
