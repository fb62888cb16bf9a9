"""Every other page, checked by axe-core in the browser: no serious or critical problem, errors shown too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.web.helpers import PASSWORD
from tracker.types import utcnow

pytestmark = pytest.mark.browser


def test_the_pages_around_a_case(journey, world, make_case, db):
    from tracker.pathway import care

    person = make_case(world.om, "court", "custody", given_name="Nia", family_name="Patel")
    colleagues = make_case(world.om2, "court")
    appointment = care.book_appointment(
        person,
        {"kind": "probation", "starts_at": datetime.now(UTC) + timedelta(days=2)},
        by=world.om,
        now=utcnow(),
    )
    referral = care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "Zone IV"}, by=world.om, now=utcnow()
    )
    db.session.commit()
    stage_id = person.pathways[-1].stages[-1].id
    page = journey.page

    journey.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    journey.snap("sign-in-errors")
    journey.sign_in(world.om.email, PASSWORD)
    for path, label in [
        ("/caseload?view=team", "team-caseload"),
        (f"/appointments/{appointment.id}", "change-appointment"),
        (f"/people/{person.id}/referrals/new", "new-referral"),
        (f"/people/{person.id}/consent", "consent"),
        (f"/stages/{stage_id}/release-dates", "release-dates"),
        (f"/people/{person.id}/stages/new/atr", "atr-form"),
        ("/no-such-page", "not-found"),
    ]:
        journey.goto(path)
        journey.snap(label)
    journey.goto(f"/people/{person.id}/consent")
    page.get_by_label("Mobile number").fill("12345")
    page.get_by_role("button", name="Save").click()
    journey.snap("consent-errors")
    journey.goto(f"/referrals/{referral.id}")
    journey.snap("update-referral")
    journey.goto(f"/people/{colleagues.id}/consent")
    journey.snap("forbidden")


def test_the_admin_and_commissioner_pages(journey, world, db):
    from tracker.auth import service

    service.issue_token(world.om, label="Nightly caseload export", now=utcnow())
    db.session.commit()
    page = journey.page
    journey.sign_in(world.admin.email, PASSWORD, snap_second_factor=True)
    journey.snap("admin")
    page.get_by_role("link", name="Add a staff account").click()
    page.get_by_role("button", name="Add the account").click()
    journey.snap("new-staff-errors")
    journey.goto("/admin/teams/new")
    journey.snap("new-team")
    journey.goto(f"/admin/staff/{world.om.id}/password")
    journey.snap("reset-password")
    journey.goto(f"/admin/staff/{world.om.id}/tokens")
    journey.snap("account-tokens")
    journey.goto("/account/tokens")
    journey.snap("own-tokens")
    page.get_by_role("button", name="Sign out").click()
    journey.snap("signed-out")
    journey.sign_in(world.admin.email, PASSWORD, snap_second_factor=True)  # now the code alone
    journey.snap("admin-again")
    page.get_by_role("button", name="Sign out").click()

    journey.sign_in(world.commissioner.email, PASSWORD)
    journey.snap("commissioner")


def test_the_treatment_services_pages(journey, world, make_case, db):
    from tracker.pathway import care

    person = make_case(world.om, "court", given_name="Owen", family_name="Green")
    care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "Zone IV"}, by=world.om, now=utcnow()
    )
    db.session.commit()
    page = journey.page
    journey.sign_in(world.treatment.email, PASSWORD)
    journey.snap("referred")
    page.get_by_role("link", name="Owen Green").click()
    journey.snap("person")
    page.get_by_role("link", name="Update referral").click()
    journey.snap("update-referral")
