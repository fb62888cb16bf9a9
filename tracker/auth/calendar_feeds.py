"""Private calendar feeds: one live address per staff member, its token shown once and kept hashed.

A calendar application fetches the feed with no session, so the token in the address is the
credential: it ends (CALENDAR_FEED_DAYS), its owner revokes it, and a new one replaces the old.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from tracker import audit
from tracker.auth.models import CalendarFeed, Staff
from tracker.extensions import db


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_feed(staff: Staff, now: datetime, days: int) -> tuple[CalendarFeed, str]:
    """A new feed for the staff member, ending after `days`; any live one stops. Show the token once."""
    revoke_feeds(staff, by=staff, now=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        staff_id=staff.id, token_hash=_digest(token), created_at=now, expires_at=now + timedelta(days=days)
    )
    db.session.add(feed)
    db.session.flush()
    audit.record(staff.id, "calendar_feed_issued", feed, expires_at=feed.expires_at.isoformat())
    return feed, token


def feed_for_token(token: str, now: datetime) -> CalendarFeed | None:
    """The live feed this token opens, for an active staff member; None if revoked, expired or unknown."""
    return db.session.scalar(
        select(CalendarFeed)
        .join(Staff, Staff.id == CalendarFeed.staff_id)
        .where(
            CalendarFeed.token_hash == _digest(token),
            CalendarFeed.revoked_at.is_(None),
            CalendarFeed.expires_at > now,
            Staff.active.is_(True),
        )
    )


def feeds_of(staff: Staff) -> list[CalendarFeed]:
    """The staff member's feeds, newest first, whatever their state."""
    return list(
        db.session.scalars(
            select(CalendarFeed).where(CalendarFeed.staff_id == staff.id).order_by(CalendarFeed.id.desc())
        )
    )


def revoke_feeds(staff: Staff, by: Staff | None, now: datetime) -> int:
    """Stop every live feed of the staff member at once; how many were live."""
    live = db.session.scalars(
        select(CalendarFeed).where(CalendarFeed.staff_id == staff.id, CalendarFeed.revoked_at.is_(None))
    ).all()
    for feed in live:
        feed.revoked_at = now
        audit.record(by.id if by else None, "calendar_feed_revoked", feed)
    return len(live)
