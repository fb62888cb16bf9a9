"""A staff member's calendar feed in a real browser (issue 12 item 5): made, shown once, revoked; each
page screenshotted and checked with axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_an_offender_manager_makes_and_revokes_a_calendar_feed(journey, world):
    page = journey.page
    journey.sign_in(world.om.email, PASSWORD)
    page.get_by_role("link", name="Calendar").click()
    expect(page.locator("main")).to_contain_text("You have no calendar feed that works.")
    journey.snap("calendar")
    page.get_by_role("button", name="Make a feed address").click()
    expect(page.get_by_label("Your calendar feed address")).to_have_value(
        re.compile(r"/calendar/[\w-]+\.ics$")
    )
    journey.snap("calendar-feed-shown-once")
    page.get_by_role("button", name="Revoke the feed").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your calendar feed is revoked")
    journey.snap("calendar-revoked")
