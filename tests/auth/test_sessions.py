"""Page sessions end after 30 minutes idle and 12 hours in all (issue 10 item 6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.web.helpers import text
from tracker.auth import sessions

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
IDLE, ABSOLUTE = timedelta(minutes=30), timedelta(hours=12)


def stamps(signed_in_ago: timedelta, seen_ago: timedelta) -> dict[str, int]:
    return {
        sessions.SIGNED_IN_AT: int((NOW - signed_in_ago).timestamp()),
        sessions.SEEN_AT: int((NOW - seen_ago).timestamp()),
    }


@pytest.mark.parametrize(
    ("signed_in_ago", "seen_ago", "why"),
    [
        (timedelta(minutes=5), timedelta(0), None),
        (timedelta(hours=2), timedelta(minutes=29, seconds=59), None),
        (timedelta(hours=2), timedelta(minutes=30), "idle"),
        (timedelta(hours=11, minutes=59, seconds=59), timedelta(minutes=1), None),
        (timedelta(hours=12), timedelta(0), "absolute"),
        (timedelta(days=3), timedelta(days=3), "absolute"),
    ],
    ids=["fresh", "idle 29:59", "idle 30:00", "11:59:59 in", "12 hours in", "days old"],
)
def test_a_session_ends_idle_at_30_minutes_and_in_all_at_12_hours(signed_in_ago, seen_ago, why):
    assert sessions.ended(stamps(signed_in_ago, seen_ago), NOW, IDLE, ABSOLUTE) == why


def test_a_session_with_no_stamps_has_ended():
    assert sessions.ended({}, NOW, IDLE, ABSOLUTE) == "absolute"
    assert sessions.ended({sessions.SEEN_AT: "soon", sessions.SIGNED_IN_AT: 1}, NOW, IDLE, ABSOLUTE)


def test_the_timeouts_are_settings(app):
    assert (app.config["SESSION_IDLE_MINUTES"], app.config["SESSION_ABSOLUTE_HOURS"]) == (30, 12)


def age(client, **ago: timedelta) -> None:
    """Move the session's stamps back in time, as if that long had passed."""
    with client.client.session_transaction() as session:
        for key, delta in ago.items():
            session[key] = session[key] - int(delta.total_seconds())


def test_thirty_minutes_without_a_request_signs_you_out(world, signed_in):
    client = signed_in(world.om)
    age(client, seen_at=timedelta(minutes=30))

    response = client.get("/caseload")

    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    page = text(client.get(response.headers["Location"]))
    assert "You were signed out because you had not used the service for 30 minutes" in page


def test_each_request_starts_the_idle_time_again(world, signed_in):
    client = signed_in(world.om)
    age(client, seen_at=timedelta(minutes=29), signed_in_at=timedelta(minutes=29))
    assert client.get("/caseload").status_code == 200

    age(client, seen_at=timedelta(minutes=29), signed_in_at=timedelta(minutes=29))

    assert client.get("/caseload").status_code == 200


def test_twelve_hours_after_signing_in_you_are_signed_out_however_busy(world, signed_in):
    client = signed_in(world.om)
    age(client, signed_in_at=timedelta(hours=12))

    response = client.get("/caseload")

    assert response.headers["Location"].startswith("/sign-in")
    assert "signed in more than 12 hours ago" in text(client.get(response.headers["Location"]))


def test_an_old_cookie_stays_old_when_copied(world, app, signed_in):
    from tests.web.helpers import Browser

    client = signed_in(world.om)
    age(client, seen_at=timedelta(minutes=31))
    copied = Browser(app.test_client())
    copied.client.set_cookie("session", client.client.get_cookie("session").value)

    assert copied.get("/caseload").status_code == 302


def test_a_session_from_before_the_stamps_must_sign_in_again(world, signed_in):
    client = signed_in(world.om)
    with client.client.session_transaction() as session:
        del session[sessions.SIGNED_IN_AT], session[sessions.SEEN_AT]

    assert client.get("/caseload").status_code == 302
