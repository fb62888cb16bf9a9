"""Each staff member's private calendar feed (ICS) and the page that makes, shows once and revokes it.

The feed is written with `icalendar` (RFC 5545: line folding, escaping, all-day dates, UTC stamps) rather
than by hand. A calendar application fetches it with no session, so its address holds the token: kept
hashed, it ends and can be revoked, the address is kept out of the access logs (privacy.redact), and
every fetch is audited. Entries name nobody and no place: "Appointment", "Hearing", "Planned release"
or "Parole eligibility", with a link to sign in.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from icalendar import Calendar, Event

from tracker import audit
from tracker.auth import calendar_feeds
from tracker.extensions import db
from tracker.pathway.calendar_entries import Entry, upcoming
from tracker.types import utcnow
from tracker.web.blueprint import roles, staff
from tracker.web.routes import Routes

routes = Routes()
ROLES_WITH_PEOPLE = ("offender_manager", "resettlement", "treatment")
APPOINTMENT_LENGTH = timedelta(hours=1)


def _public_url(endpoint: str, **values: Any) -> str:
    # The address a calendar application or a phone reaches the service at, not this request's host.
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


@routes.get("/account/calendar")
@roles(*ROLES_WITH_PEOPLE)
def calendar() -> ResponseReturnValue:
    """Your calendar feed: whether you have one, when it ends; make a new one or revoke it."""
    feeds = calendar_feeds.feeds_of(staff())
    return render_template(
        "calendar.html", title="Your calendar feed", feeds=feeds, now=utcnow(), feed_url=None
    )


@routes.post("/account/calendar")
@roles(*ROLES_WITH_PEOPLE)
def new_calendar_feed() -> ResponseReturnValue:
    """Make a new feed address (any old one stops working) and show it, once."""
    me, form = staff(), FlaskForm()
    if not form.validate_on_submit():
        abort(400, description="The form has expired: try again.")
    days = current_app.config["CALENDAR_FEED_DAYS"]
    _, token = calendar_feeds.issue_feed(me, now=utcnow(), days=days)
    db.session.commit()
    return render_template(
        "calendar.html",
        title="Your calendar feed",
        feeds=calendar_feeds.feeds_of(me),
        now=utcnow(),
        feed_url=_public_url("web.calendar_feed", token=token),
    )


@routes.post("/account/calendar/revoke")
@roles(*ROLES_WITH_PEOPLE)
def revoke_calendar_feed() -> ResponseReturnValue:
    """Stop your feed's address working at once."""
    me, form = staff(), FlaskForm()
    if form.validate_on_submit():
        count = calendar_feeds.revoke_feeds(me, by=me, now=utcnow())
        db.session.commit()
        flash(
            "Your calendar feed is revoked: it no longer works." if count else "You had no feed.", "success"
        )
    return redirect(url_for("web.calendar"))


@routes.get("/calendar/<token>.ics")
def calendar_feed(token: str) -> ResponseReturnValue:
    """The feed itself, fetched by a calendar application with the token in its address."""
    now = utcnow()
    feed = calendar_feeds.feed_for_token(token, now) if len(token) <= 64 else None
    if feed is None:
        abort(404)
    entries = upcoming(feed.staff, now, current_app.config["CALENDAR_FEED_HORIZON_DAYS"])
    audit.record(feed.staff_id, "calendar_fetch", feed, entries=len(entries))
    db.session.commit()
    body = _ics(entries, now, _public_url("web.sign_in"))
    return Response(
        body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=pathway.ics"}
    )


def _ics(entries: list[Entry], now, sign_in_url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Pathway Tracker//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Pathway Tracker")
    host = sign_in_url.split("/")[2] if "//" in sign_in_url else "pathway-tracker"
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", now)
        event.add("summary", entry.title)
        if entry.starts_at is not None:
            event.add("dtstart", entry.starts_at)
            event.add("dtend", entry.starts_at + APPOINTMENT_LENGTH)
        elif entry.on is not None:
            event.add("dtstart", entry.on)
            event.add("dtend", entry.on + timedelta(days=1))
        event.add("description", f"Sign in to see who and where: {sign_in_url}")
        event.add("url", sign_in_url)
        calendar.add_component(event)
    return calendar.to_ical()
