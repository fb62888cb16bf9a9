"""Quiet hours (issue 4, item 5): nothing sent outside 09:00-20:00 Europe/London; a text due then waits."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from tests.sms.helpers import LONDON, first_day_after, london
from tracker.sms.policy import next_sending_instant, within_quiet_hours
from tracker.sms.templates import schedule

NINE, EIGHT_PM = time(9), time(20)


@pytest.mark.parametrize(
    ("instant", "inside"),
    [
        (datetime(2027, 1, 12, 8, 59, tzinfo=UTC), False),  # GMT: London = UTC
        (datetime(2027, 1, 12, 9, 0, tzinfo=UTC), True),
        (datetime(2027, 1, 12, 19, 59, 59, tzinfo=UTC), True),
        (datetime(2027, 1, 12, 20, 0, tzinfo=UTC), False),
        (datetime(2027, 7, 12, 7, 59, tzinfo=UTC), False),  # BST: London = UTC+1
        (datetime(2027, 7, 12, 8, 0, tzinfo=UTC), True),
        (datetime(2027, 7, 12, 18, 59, tzinfo=UTC), True),
        (datetime(2027, 7, 12, 19, 0, tzinfo=UTC), False),
        (datetime(2027, 3, 28, 8, 0, tzinfo=UTC), True),  # the first morning of summer time
        (datetime(2026, 10, 25, 8, 30, tzinfo=UTC), False),  # the first morning of winter time
    ],
)
def test_the_sending_window_is_london_wall_clock_time(instant, inside):
    assert within_quiet_hours(instant, NINE, EIGHT_PM, LONDON) is inside


@pytest.mark.parametrize(
    ("due", "sent"),
    [
        (datetime(2027, 1, 12, 7, 0, tzinfo=LONDON), datetime(2027, 1, 12, 9, 0, tzinfo=LONDON)),
        (datetime(2027, 1, 12, 12, 0, tzinfo=LONDON), datetime(2027, 1, 12, 12, 0, tzinfo=LONDON)),
        (datetime(2027, 1, 12, 20, 0, tzinfo=LONDON), datetime(2027, 1, 13, 9, 0, tzinfo=LONDON)),
        (
            datetime(2027, 3, 27, 22, 0, tzinfo=LONDON),
            datetime(2027, 3, 28, 9, 0, tzinfo=LONDON),
        ),  # across the change
        (datetime(2026, 10, 24, 21, 0, tzinfo=LONDON), datetime(2026, 10, 25, 9, 0, tzinfo=LONDON)),
    ],
)
def test_a_text_due_outside_the_window_waits_for_the_next_one(due, sent):
    assert next_sending_instant(due, NINE, EIGHT_PM, LONDON) == sent


@pytest.mark.parametrize("summer", [True, False], ids=["BST", "GMT"])
def test_a_text_due_at_seven_goes_at_nine_not_at_eight_fifty_nine(
    twilio, texted_person, book, dispatch_at, texts, today, monkeypatch, summer
):
    monkeypatch.setitem(schedule()["appointment"], "at", "07:00")
    eve = first_day_after(today, summer)
    on = eve + timedelta(days=1)
    person = texted_person()
    book(person, london(on, "14:00"))
    [reminder] = texts(person)
    assert reminder.due_at == london(eve, "07:00")
    assert reminder.due_at.utcoffset() == timedelta(0)  # stored in UTC
    assert reminder.due_at.hour == (6 if summer else 7)

    dispatch_at(london(eve, "07:00"))
    dispatch_at(london(eve, "08:59"))
    assert twilio.total == 0

    dispatch_at(london(eve, "09:00"))
    assert twilio.total == 1


@pytest.mark.parametrize("summer", [True, False], ids=["BST", "GMT"])
def test_a_text_due_after_eight_in_the_evening_waits_for_the_morning(
    twilio, texted_person, book, dispatch_at, today, monkeypatch, summer
):
    monkeypatch.setitem(schedule()["appointment"], "at", "20:30")
    eve = first_day_after(today, summer)
    on = eve + timedelta(days=1)
    person = texted_person()
    book(person, london(on, "14:00"))

    for hhmm in ("20:30", "23:59"):
        dispatch_at(london(eve, hhmm))
    dispatch_at(london(on, "08:59"))
    assert twilio.total == 0

    dispatch_at(london(on, "09:00"))
    assert twilio.total == 1


@pytest.mark.parametrize("summer", [True, False], ids=["BST", "GMT"])
def test_release_day_text_goes_at_nine_london_on_summer_and_winter_time(
    twilio, texted_person, release, dispatch_at, today, summer
):
    released_on = first_day_after(today, summer)
    release(texted_person(), released_on)
    nine = london(released_on, "09:00")

    dispatch_at(nine - timedelta(minutes=1))
    assert twilio.total == 0
    dispatch_at(nine)
    assert twilio.total == 1
    assert nine.astimezone(UTC).hour == (8 if summer else 9)


def test_the_window_is_in_config(twilio, texted_person, book, dispatch_at, today, monkeypatch):
    monkeypatch.setitem(schedule()["quiet_hours"], "start", "11:00")
    on = today + timedelta(days=2)
    book(texted_person(), london(on, "14:00"))

    dispatch_at(london(on - timedelta(days=1), "10:59"))
    assert twilio.total == 0
    dispatch_at(london(on - timedelta(days=1), "11:00"))
    assert twilio.total == 1
