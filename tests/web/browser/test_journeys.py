"""Each role's main journey end to end in a real browser, a screenshot and an axe check on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.web.helpers import PASSWORD

pytestmark = pytest.mark.browser


def fill_date(page, name: str, day) -> None:
    page.locator(f"#{name}-day").fill(str(day.day))
    page.locator(f"#{name}-month").fill(str(day.month))
    page.locator(f"#{name}-year").fill(str(day.year))


def test_an_offender_manager_records_custody_books_treatment_and_runs_an_audit(
    journey, world, make_case, today
):
    make_case(world.om, "arrest", "court", given_name="Sam", family_name="Jones")
    make_case(world.om, "court", given_name="Alex", family_name="Other")
    journey.sign_in(world.om.email, PASSWORD)

    find_the_person(journey)
    record_custody(journey, release=today + timedelta(days=45), today=today)
    book_treatment(journey, on=today + timedelta(days=7))
    run_an_audit(journey)


def find_the_person(journey) -> None:
    page = journey.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    journey.snap("caseload")
    page.get_by_label("Name, CRN or prison number").fill("sam jones")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("link", name="Alex Other")).to_have_count(0)
    page.get_by_role("link", name="Sam Jones").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Jones")
    journey.snap("person")


def record_custody(journey, release, today) -> None:
    page = journey.page
    page.get_by_role("link", name="Record the next stage").click()
    journey.snap("choose-stage")
    page.get_by_label("Custody", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Record the stage").click()  # nothing filled in: GOV.UK errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.snap("custody-errors")
    fill_date(page, "start_on", today)
    page.get_by_label("Sentenced").check()
    page.get_by_label("Establishment").select_option(label="HMP Bristol")
    fill_date(page, "sentence_start_on", today)
    fill_date(page, "crd", release)
    page.get_by_label("Where the release dates come from").fill("Sentence calculation")
    journey.snap("custody-form")
    page.get_by_role("button", name="Record the stage").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Custody stage recorded.")
    expect(page.locator("main")).to_contain_text(f"{release.day} {release:%B %Y}")
    journey.snap("person-in-custody")


def book_treatment(journey, on) -> None:
    page = journey.page
    page.get_by_role("link", name="Book an appointment").click()
    page.get_by_label("Treatment assessment").check()
    fill_date(page, "day", on)
    page.get_by_label("Time").fill("2pm")
    page.get_by_label("Where (optional)").fill("Station Road")
    page.get_by_label("Team running it (optional)").select_option(label="Bristol Community Alcohol Service")
    journey.snap("book-appointment")
    page.get_by_role("button", name="Book the appointment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Treatment assessment booked.")


def run_an_audit(journey) -> None:
    page = journey.page
    page.get_by_role("link", name="Run an AUDIT screening").click()
    for n, score in enumerate([4, 4, 3, 2, 2, 1, 2, 1, 2, 4], start=1):
        page.locator(f'input[name="q{n}"][value="{score}"]').check()
    page.get_by_label("Referred to a specialist alcohol service").check()
    journey.snap("audit")
    page.get_by_role("button", name="Score the AUDIT").click()
    expect(page.locator(".govuk-panel")).to_contain_text("AUDIT score 25")
    expect(page.locator(".govuk-panel")).to_contain_text("Zone IV")
    journey.snap("audit-result")
    page.get_by_role("link", name="Back to Sam's record").click()
    expect(page.locator(".moj-timeline")).to_contain_text("AUDIT screening: score 25, Zone IV")
    journey.snap("timeline")


def test_a_resettlement_worker_completes_a_checklist_from_the_board(journey, world, make_case):
    make_case(world.om, "court", "custody", release_in=5, given_name="Rhian", family_name="Owens")
    make_case(world.om, "court", "custody", release_in=40, given_name="Marcus", family_name="Nash")
    page = journey.page
    journey.sign_in(world.resettlement.email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Handover board")
    expect(page.locator("main")).to_contain_text("0 of 9 done")
    journey.snap("board")

    page.get_by_role("link", name="Rhian Owens").click()
    journey.snap("handover")
    for item in (
        "accommodation",
        "treatment_referral",
        "treatment_appointment",
        "gp_registration",
        "medication",
        "id_and_bank",
        "benefits",
        "probation_appointment",
        "travel",
    ):
        page.locator(f'input[name="{item}"][value="done"]').check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Checklist saved.")
    journey.snap("handover-done")

    page.get_by_role("link", name="Back").click()
    row = page.get_by_role("row").filter(has_text="Rhian Owens")
    expect(row).to_contain_text("9 of 9 done")
    expect(row).to_contain_text("Green")
    journey.snap("board-after")

    page.get_by_role("link", name="Print view for the pre-release meeting").click()
    journey.snap("print-view")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    journey.snap("print-view-on-paper")


def test_an_offender_manager_acknowledges_an_alert_raised_by_the_sweep(journey, world, make_case, db):
    from tracker.alerts.sweep import sweep
    from tracker.types import utcnow

    make_case(world.om, "court", "custody", release_in=20, given_name="Dylan", family_name="Morgan")
    assert sweep(utcnow()).raised > 0
    db.session.remove()
    page = journey.page
    journey.sign_in(world.om.email, PASSWORD)
    page.get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    journey.snap("inbox")

    first = page.get_by_role("row").filter(has=page.get_by_role("button", name="Acknowledge")).first
    first.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Alert acknowledged.")
    expect(page.locator("main .govuk-tag", has_text="Acknowledged")).to_have_count(1)
    journey.snap("acknowledged")

    page.get_by_role("link", name="Resolve").first.click()
    page.get_by_role("button", name="Resolve the alert").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what was done")
    journey.snap("resolve-error")
    page.get_by_label("What was done?").fill("Referral made to the community alcohol service")
    page.get_by_role("button", name="Resolve the alert").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Alert resolved.")
    journey.snap("resolved")
