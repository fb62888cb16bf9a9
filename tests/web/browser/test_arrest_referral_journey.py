"""Arrest referral in a real browser (issue 12 item 4): treatment adds an arrest-stage person with consent;
an offender manager asks to take the case; treatment confirms; the offender manager sees the person.
A screenshot and an axe check on every page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.web.helpers import PASSWORD

pytestmark = pytest.mark.browser


def fill_date(page, name: str, day: date) -> None:
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def sign_out(journey) -> None:
    journey.page.get_by_role("button", name="Sign out").click()
    journey.page.wait_for_load_state()


def test_treatment_holds_an_arrested_person_until_probation_takes_the_case(journey, world, today):
    journey.sign_in(world.treatment.email, PASSWORD)
    add_an_arrested_person_with_consent(journey, today)
    sign_out(journey)

    journey.sign_in(world.om.email, PASSWORD)
    ask_to_take_the_case(journey)
    sign_out(journey)

    journey.sign_in(world.treatment.email, PASSWORD)
    confirm_the_request(journey)
    sign_out(journey)

    journey.sign_in(world.om.email, PASSWORD)
    see_the_person(journey)


def add_an_arrested_person_with_consent(journey, today) -> None:
    page = journey.page
    page.get_by_role("link", name="Add a person you identified").click()
    page.get_by_role("button", name="Add the person").click()  # nothing filled in: GOV.UK errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.snap("identify-errors")
    page.get_by_label("Given name").fill("Sam")
    page.get_by_label("Family name").fill("Jones")
    fill_date(page, "date_of_birth", date(1985, 4, 2))
    page.get_by_label("In police custody (arrest)").check()
    fill_date(page, "start_on", today)
    page.get_by_label("Custody suite (arrest only)").fill("Patchway custody suite")
    page.locator("#arrest_referral").check()
    page.get_by_label("Why is your service taking them on? (optional)").fill("Drinks daily.")
    page.get_by_label("Yes, they agree").check()
    fill_date(page, "consent_given_on", today)
    page.get_by_label("How did they give it?").fill("Signed form in the custody suite")
    journey.snap("identify-form")
    page.get_by_role("button", name="Add the person").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("your team holds them")
    expect(page.locator("main")).to_contain_text(
        "Bristol Community Alcohol Service (no offender manager yet)"
    )
    journey.snap("held-person")


def ask_to_take_the_case(journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Held by treatment").click()
    journey.snap("find-held")
    page.get_by_label("Given name").fill("Sam")
    page.get_by_label("Family name").fill("Jones")
    fill_date(page, "date_of_birth", date(1985, 4, 2))
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("Held by Bristol Community Alcohol Service")
    journey.snap("held-found")
    page.get_by_role("button", name="Ask to take the case").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Asked Bristol Community Alcohol Service"
    )
    journey.snap("asked")


def confirm_the_request(journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Requests to take a case").click()
    expect(page.locator("main")).to_contain_text("Olivia Mensah")
    journey.snap("requests")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Olivia Mensah has the case now.")
    journey.snap("confirmed")


def see_the_person(journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Sam Jones").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Jones")
    expect(page.locator("main")).to_contain_text("Drinks daily.")  # shared: they agreed
    journey.snap("om-sees-the-person")
