"""The service user voice report against a fixture small enough to count on paper."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest


def at(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


@pytest.fixture
def counted(db, release, last_year):
    """May: 12 check-ins answered, 7 YES and 5 NO. June: 25 ratings, 5 of each from 1 to 5, answering
    25 feedback texts, 20 delivered.
    July: 10 texts sent, 5 delivered; 5 replies from people we know, 2 from numbers we do not.
    August: 5 opt-outs (and 3 opt-ins, not counted)."""
    from sqlalchemy import select

    from tracker.pathway.models import ConsentChange, Handover
    from tracker.sms.models import FeedbackRating, InboundMessage, Message

    year = last_year.start_on.year
    may, june, july, august = (date(year, m, 10) for m in (5, 6, 7, 8))
    for n in range(12):
        release(date(year, 4, 20), check_in_answer=n < 7, check_in_answered_at=at(may))
    person = release(date(year, 4, 20))
    handover = db.session.scalar(select(Handover).where(Handover.person_id == person.id))
    for n in range(25):
        text = Message(
            person_id=person.id,
            purpose="feedback",
            subject_type="handovers",
            subject_id=handover.id,
            due_at=at(june).replace(minute=n),
            status="delivered" if n < 20 else "sent",
            sent_at=at(june),
        )
        db.session.add(text)
        db.session.flush()
        rating = FeedbackRating(
            message_id=text.id, person_id=person.id, handover_id=handover.id, rating=n % 5 + 1
        )
        db.session.add(rating)
        rating.received_at = at(june)
    for n in range(10):
        db.session.add(
            Message(
                person_id=person.id,
                purpose="appointment",
                subject_type="appointments",
                subject_id=n,
                due_at=at(july),
                status="delivered" if n < 5 else "sent",
                sent_at=at(july),
            )
        )
    for n in range(7):
        db.session.add(
            InboundMessage(
                gateway_sid=f"SM{n}",
                from_number="+447911000000",
                body="",
                meaning="other",
                person_id=person.id if n < 5 else None,
                received_at=at(july),
            )
        )
    for n in range(8):
        db.session.add(
            ConsentChange(person_id=person.id, consent=n >= 5, how="replied STOP", changed_at=at(august))
        )
    db.session.commit()
    return last_year


def test_each_month_says_what_people_told_us(counted, api_as, places):
    body = api_as(places.commissioner).get(f"/reports/service_user_voice?period={counted.name}").json

    assert body["by"] == "month"
    months = {r["group"]: r for r in body["rows"]}
    year = counted.start_on.year
    may, june, july, august = (months[f"{year}-{m:02d}"] for m in (5, 6, 7, 8))
    assert (may["check_in_answered"], may["check_in_yes"], may["check_in_no"]) == (12, 7, 5)
    assert june["rated"] == 25 and [june[f"rated_{n}"] for n in range(1, 6)] == [5] * 5
    # June's 25 feedback texts were sent too.
    assert (june["texts_sent"], june["texts_delivered"]) == (25, 20)
    assert (july["texts_sent"], july["texts_delivered"]) == (10, 5)
    assert (july["delivered_share"], july["replied"], august["opted_out"]) == (50.0, 5, 5)
    total = body["total"]
    assert (total["check_in_answered"], total["rated"], total["texts_sent"], total["replied"]) == (
        12,
        25,
        35,
        5,
    )


def test_admin_sees_no_report(counted, api_as, places):
    response = api_as(places.admin).get(f"/reports/service_user_voice?period={counted.name}")

    assert response.status_code == 403
