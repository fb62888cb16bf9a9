"""Getting people in (issue 12): a release list uploaded, checked and confirmed; a person added by hand.

Each journey runs in Debian's chromium against a live server, with a screenshot and an axe check on
every page it reaches (tests/web/browser/conftest.py).
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.web.browser.test_journeys import fill_date
from tests.web.helpers import PASSWORD
from tracker.pathway.models import Person, ReleaseDate

pytestmark = pytest.mark.browser

RELEASE_LIST = (
    "prison_number,crn,given_name,family_name,date_of_birth,establishment_code,crd,offender_manager_email\r\n"
    "A1234BC,X123456,Sam,Jones,02/04/1985,BCI,2027-03-15,om@example.org\r\n"
    "B2345CD,,Alex,Smith,1990-07-30,BCI,2027-13-01,om@example.org\r\n"
    "C3456DE,,Pat,Lee,1979-01-12,EWI,2027-05-01,om@example.org\r\n"
)


def test_a_resettlement_worker_uploads_a_release_list_checks_it_and_confirms(journey, world, db, tmp_path):
    release_list = tmp_path / "bristol-releases.csv"
    release_list.write_text(RELEASE_LIST)
    page = journey.page
    journey.sign_in(world.resettlement.email, PASSWORD)

    page.get_by_role("link", name="Import a release list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a release list")
    page.get_by_role("button", name="Check the file").click()  # no file chosen: a GOV.UK error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a CSV file.")
    journey.snap("upload-error")
    page.get_by_label("Upload a release list").set_input_files(str(release_list))
    journey.snap("upload")
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the release list")
    expect(page.locator("#summary")).to_contain_text("3 rows read: 1 people added")
    expect(page.locator("#summary")).to_contain_text("2 rejected")
    rejects = page.get_by_role("table")
    expect(rejects).to_contain_text("Not a date: write YYYY-MM-DD or DD/MM/YYYY.")
    expect(rejects).to_contain_text("Not your establishment.")
    journey.snap("check")
    assert db.session.scalar(select(Person)) is None  # checking wrote nothing

    page.get_by_role("button", name="Import the valid rows").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "bristol-releases.csv: 3 rows read: 1 people added"
    )
    journey.snap("imported")
    db.session.expire_all()
    crd = db.session.scalar(select(ReleaseDate))
    assert (str(crd.value_on), crd.source) == ("2027-03-15", "release list from HMP Bristol")


def test_an_offender_manager_adds_a_person_past_a_possible_match(journey, world, make_case, db):
    make_case(world.other_om, given_name="Sam", family_name="Jones", crn="X999999")
    page = journey.page
    journey.sign_in(world.om.email, PASSWORD)

    page.get_by_role("link", name="Add a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    journey.snap("add-person")
    page.get_by_label("Given name").fill("Sam")
    page.get_by_label("Family name").fill("Jones")
    fill_date(page, "date_of_birth", date(1985, 4, 2))
    page.get_by_label("Case reference number (CRN, optional)").fill("X123456")
    page.locator("fieldset").filter(has_text="alcohol need").get_by_label("Yes").check()
    journey.snap("add-person-filled")
    page.get_by_role("button", name="Add the person").click()

    warning = page.locator(".govuk-warning-text")
    expect(warning).to_contain_text("A possible match exists outside your caseload.")
    expect(page.locator("main")).not_to_contain_text("X999999")
    journey.snap("possible-match")
    page.get_by_label("I have checked: this is not the same person").check()
    page.get_by_role("button", name="Add the person").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Jones")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sam Jones added to your caseload.")
    journey.snap("person-added")
    db.session.expire_all()
    added = db.session.scalar(select(Person).where(Person.crn == "X123456"))
    assert added.offender_manager_id == world.om.id and added.alcohol_need
