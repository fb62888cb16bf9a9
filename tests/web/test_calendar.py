"""Each staff member's private calendar feed (issue 12 item 5): their people's upcoming appointments,
hearings and planned releases, naming nobody; a hashed token that ends, is revoked and stays out of logs."""

from __future__ import annotations

import logging
import re
import threading
import urllib.request
from datetime import UTC, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.web.helpers import text
from tracker.audit import AuditEntry
from tracker.auth.models import CalendarFeed
from tracker.types import utcnow

FEED = re.compile(r'value="(http[^"]+/calendar/([^"]+)\.ics)"')


def make_feed(browser) -> tuple[str, str]:
    """Make a feed from the page: its address (shown once) and the path a calendar application fetches."""
    page = browser.post("/account/calendar", {}, form_url="/account/calendar")
    assert page.status_code == 200
    url, token = FEED.search(page.get_data(as_text=True)).groups()
    return url, f"/calendar/{token}.ics"


def events(response) -> list[tuple[str, object]]:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return sorted(
        ((str(e["summary"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT")), key=lambda s: str(s[1])
    )


@pytest.fixture
def caseload(world, make_case, db, today):
    """Olivia's people: one in court with a hearing, one in custody released in 30 days, each with an
    appointment; Tom's person, in custody too."""
    from tracker.pathway import care

    def at(days: int) -> datetime:
        return datetime.combine(today + timedelta(days=days), time(10, 30), UTC)

    in_court = make_case(world.om, "court", given_name="Sam", family_name="Jones")
    in_custody = make_case(world.om, "custody", release_in=30, given_name="Alex", family_name="Reed")
    theirs = make_case(world.om2, "custody", release_in=20, given_name="Nia", family_name="Owens")
    care.book_appointment(in_court, {"kind": "court_hearing", "starts_at": at(5)}, by=world.om, now=utcnow())
    care.book_appointment(
        in_custody,
        {"kind": "probation", "starts_at": at(3), "location_label": "Station Road"},
        by=world.om,
        now=utcnow(),
    )
    care.book_appointment(
        in_court, {"kind": "probation", "starts_at": at(-3)}, by=world.om, now=utcnow()
    )  # past
    care.book_appointment(theirs, {"kind": "probation", "starts_at": at(4)}, by=world.om2, now=utcnow())
    db.session.commit()
    return {"release_on": today + timedelta(days=30), "hearing": at(5), "appointment": at(3)}


def test_the_feed_lists_my_peoples_appointments_hearings_and_planned_releases(
    world, signed_in, client, caseload, db
):
    url, path = make_feed(signed_in(world.om))

    response = client.get(path)  # no session: a calendar application

    assert events(response) == [
        ("Appointment", caseload["appointment"]),
        ("Hearing", caseload["hearing"]),
        ("Planned release", caseload["release_on"]),
    ]
    body = response.get_data(as_text=True)
    for private in ("Sam", "Jones", "Alex", "Reed", "Nia", "Station Road", "Bristol Magistrates", "HMP"):
        assert private not in body
    assert "/sign-in" in body
    fetches = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_fetch")).all()
    assert [(f.actor_id, f.detail["entries"]) for f in fetches] == [(world.om.id, 3)]


def test_the_address_is_shown_once_and_only_its_hash_is_kept(world, signed_in, db):
    browser = signed_in(world.om)
    url, path = make_feed(browser)
    token = path.removeprefix("/calendar/").removesuffix(".ics")

    assert token not in browser.get("/account/calendar").get_data(as_text=True)
    stored = db.session.scalar(select(CalendarFeed))
    assert stored.token_hash != token and len(stored.token_hash) == 64


def test_a_revoked_or_replaced_or_expired_feed_stops_working(world, signed_in, client, db, caseload):
    browser = signed_in(world.om)
    _, first = make_feed(browser)
    _, second = make_feed(browser)
    assert client.get(first).status_code == 404  # replaced
    assert client.get(second).status_code == 200

    browser.post("/account/calendar/revoke", {}, form_url="/account/calendar")
    assert client.get(second).status_code == 404

    _, third = make_feed(browser)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None)))
    feed.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert client.get(third).status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404


@pytest.mark.parametrize("change", ["disable", "reset_password"])
def test_a_disable_or_a_password_reset_revokes_the_feed(world, signed_in, client, db, change):
    from tracker.auth import service

    _, path = make_feed(signed_in(world.om))
    if change == "disable":
        service.disable_staff(world.om, by=world.admin, now=utcnow())
    else:
        service.reset_password(world.om, "another long passphrase", by=world.admin, now=utcnow())
    db.session.commit()

    assert client.get(path).status_code == 404
    assert db.session.scalar(select(CalendarFeed.revoked_at)) is not None


@pytest.mark.parametrize("role", ["commissioner", "admin"])
def test_roles_that_see_no_person_have_no_feed(world, signed_in, role):
    assert signed_in(getattr(world, role)).get("/account/calendar").status_code == 403


def test_a_treatment_worker_sees_their_referred_peoples_dates(world, signed_in, client, make_case, db, today):
    from tracker.pathway import care

    person = make_case(world.om, "court")
    care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om, now=utcnow()
    )
    at = datetime.combine(today + timedelta(days=2), time(14), UTC)
    care.book_appointment(
        person, {"kind": "treatment_assessment", "starts_at": at}, by=world.om, now=utcnow()
    )
    db.session.commit()
    _, path = make_feed(signed_in(world.treatment))

    assert events(client.get(path)) == [("Appointment", at)]


def test_the_feeds_address_stays_out_of_the_access_log(app, world, signed_in, caplog):
    from werkzeug.serving import make_server

    from tracker.extensions import db

    _, path = make_feed(signed_in(world.om))
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}") as answer:
                assert answer.status == 200
    finally:
        server.shutdown()
        thread.join(timeout=10)

    assert "/calendar/[hidden].ics" in caplog.text
    assert token not in caplog.text


def test_the_page_says_what_the_feed_is(world, signed_in):
    page = text(signed_in(world.om).get("/account/calendar"))

    assert "You have no calendar feed that works." in page and "Make a feed address" in page


def test_a_parole_eligibility_date_is_never_listed_as_a_planned_release(
    world, signed_in, client, make_case, db, today
):
    from tracker.pathway import service

    person = make_case(world.om, "custody", release_in=40)
    custody = person.open_pathway.current_stage
    ped = today + timedelta(days=40)
    service.update_release_dates(custody, {"crd": None, "ped": ped}, by=world.om, now=utcnow())
    db.session.commit()
    _, path = make_feed(signed_in(world.om))

    assert events(client.get(path)) == [("Parole eligibility", ped)]
