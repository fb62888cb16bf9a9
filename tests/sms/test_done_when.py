"""Issue 4's "done when": a person released tomorrow with consent gets exactly one release-day text at
09:00 London time in their language, with no revealing word, and one reminder the day before each
appointment; a person without consent gets none; a STOP stops everything at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.sms.helpers import london
from tracker.sms.policy import revealing_words_in
from tracker.sms.templates import revealing_words


def every_hour(first: datetime, days: int):
    """Each o'clock from `first` for `days` days, as the scheduler's every-minute dispatch would meet them."""
    return (first + timedelta(hours=h) for h in range(24 * days))


def test_released_tomorrow_with_consent_one_release_day_text_and_one_reminder_per_appointment(
    twilio, texted_person, make_person, om, release, walk_out, book, dispatch_at, today
):
    welsh = texted_person(given_name="Rhys Owen", language="cy")
    silent = make_person(om, mobile="07911 123457", sms_consent=False)
    tomorrow = today + timedelta(days=1)
    for person in (welsh, silent):
        release(person, tomorrow)
        walk_out(person, tomorrow)  # recorded ahead here; the clock is simulated by dispatch_at
        book(person, london(tomorrow + timedelta(days=1), "14:00"))
        book(person, london(tomorrow + timedelta(days=3), "11:30"), kind="treatment_assessment")

    sent_at = {}
    for instant in every_hour(london(today, "00:00"), days=6):
        before = twilio.total
        dispatch_at(instant)
        if twilio.total > before:
            sent_at[instant] = [m["body"] for m in twilio.sent_to(welsh["mobile"])][before:]

    assert list(sent_at) == [
        london(tomorrow, "09:00"),  # the release-day text
        london(tomorrow, "10:00"),  # the first appointment's reminder
        london(tomorrow + timedelta(days=2), "10:00"),  # the second appointment's reminder, and the check-in
    ]
    [release_day] = sent_at[london(tomorrow, "09:00")]
    assert (
        release_day.startswith("Helo Rhys, heddiw yw'r diwrnod.")
        and "am 2:00yh yn 12 King Street" in release_day
    )
    [first] = sent_at[london(tomorrow, "10:00")]
    second, check_in = sorted(
        sent_at[london(tomorrow + timedelta(days=2), "10:00")], key=lambda b: "YES" in b
    )
    assert first.startswith("Helo Rhys, nodyn atgoffa: mae gennych apwyntiad yfory,") and "am 2:00yh" in first
    assert (
        second.startswith("Helo Rhys, nodyn atgoffa: mae gennych apwyntiad yfory,") and "am 11:30yb" in second
    )
    assert check_in == "Helo Rhys, a gyrhaeddoch chi eich apwyntiad? Atebwch YES neu NO."
    for body in (release_day, first, second, check_in):
        assert revealing_words_in(body, revealing_words()) == []
        assert "Owen" not in body and "Jones" not in body
    assert twilio.count(welsh["mobile"]) == 4
    assert twilio.count(silent["mobile"]) == 0


def test_a_stop_stops_everything_at_once(
    twilio, texted_person, release, book, dispatch_at, text_in, today, texts
):
    person = texted_person()
    tomorrow = today + timedelta(days=1)
    release(person, tomorrow)
    book(person, london(tomorrow + timedelta(days=2), "11:00"))
    book(person, london(tomorrow + timedelta(days=9), "10:00"), kind="court_hearing")
    dispatch_at(london(tomorrow, "09:00"))
    assert twilio.count(person["mobile"]) == 1

    text_in(person["mobile"], "Stop")

    assert texts(person, status="pending") == []
    for instant in every_hour(london(tomorrow, "10:00"), days=10):
        dispatch_at(instant)
    assert twilio.count(person["mobile"]) == 1
