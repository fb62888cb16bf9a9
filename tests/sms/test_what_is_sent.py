"""What is sent and when (issue 4, item 2): release day, court hearings 7/3/1 days before, other
appointments the day before, a missed appointment, the check-in; moves and cancellations follow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.sms.helpers import LONDON, PLACE, london, utcnow

# Welsh day and month abbreviations (CLDR), Monday first.
WELSH_DAYS = ["Llun", "Maw", "Mer", "Iau", "Gwen", "Sad", "Sul"]
WELSH_MONTHS = ["Ion", "Chwef", "Maw", "Ebr", "Mai", "Meh", "Gorff", "Awst", "Medi", "Hyd", "Tach", "Rhag"]


def bodies(twilio, person: dict) -> list[str]:
    return [m["body"] for m in twilio.sent_to(person["mobile"])]


# Release day


def test_release_day_text_at_nine_names_the_first_appointment_and_the_number_to_call(
    twilio, texted_person, release, book, dispatch_at, today, om, db
):
    om.team.phone = "0117 496 0000"
    db.session.commit()
    person = texted_person(given_name="Sam")
    released_on = today + timedelta(days=1)
    release(person, released_on)
    book(person, london(released_on + timedelta(days=1), "11:00"))

    dispatch_at(london(released_on, "08:59"))
    assert twilio.total == 0
    dispatch_at(london(released_on, "09:00"))

    [body] = bodies(twilio, person)
    day = released_on + timedelta(days=1)
    assert body == (
        f"Hi Sam, today is the day. Your first appointment is {day:%a} {day.day} {day:%b} at 11:00am "
        f"at {PLACE}. Any questions, call 0117 496 0000."
    )


def test_release_day_text_in_welsh_for_a_welsh_speaker(
    twilio, texted_person, release, book, dispatch_at, today
):
    person = texted_person(given_name="Rhys", language="cy")
    released_on = today + timedelta(days=1)
    release(person, released_on)
    first = released_on + timedelta(days=1)
    book(person, london(first, "14:30"))

    dispatch_at(london(released_on, "09:00"))

    [body] = bodies(twilio, person)
    day, month = WELSH_DAYS[first.weekday()], WELSH_MONTHS[first.month - 1]
    assert body == (
        f"Helo Rhys, heddiw yw'r diwrnod. Mae eich apwyntiad cyntaf ar {day} {first.day} {month} "
        f"am 2:30yh yn {PLACE}. Cwestiynau? Ffoniwch 0300 123 4567."
    )


@pytest.mark.parametrize(
    ("language", "usual_place"), [("en", "at the usual place."), ("cy", "yn y man arferol.")]
)
def test_an_appointment_without_a_place_label_says_the_usual_place(
    twilio, texted_person, book, dispatch_at, today, language, usual_place
):
    person = texted_person(language=language)
    on = today + timedelta(days=2)
    book(person, london(on, "09:30"), place=None)

    dispatch_at(london(on - timedelta(days=1), "10:00"))

    [body] = bodies(twilio, person)
    assert usual_place in body


def test_release_day_without_an_appointment_asks_them_to_call(
    twilio, texted_person, release, dispatch_at, today
):
    person = texted_person(given_name="Sam")
    released_on = today + timedelta(days=1)
    release(person, released_on)

    dispatch_at(london(released_on, "09:00"))

    assert bodies(twilio, person) == [
        "Hi Sam, today is the day. Please call 0300 123 4567 today so we can arrange your first appointment."
    ]


def test_a_confirmed_date_writes_the_release_day_text_and_the_recorded_release_the_check_in(
    texted_person, release, walk_out, texts, today
):
    person = texted_person()
    released_on = today + timedelta(days=1)
    release(person, released_on)

    assert [(t.purpose, t.due_at, t.status) for t in texts(person)] == [
        ("release_day", london(released_on, "09:00"), "pending"),
    ]
    walk_out(person, released_on)
    assert [(t.purpose, t.due_at, t.status) for t in texts(person)] == [
        ("release_day", london(released_on, "09:00"), "pending"),
        ("check_in", london(released_on + timedelta(days=2), "10:00"), "pending"),
    ]


def test_a_planned_date_that_is_not_confirmed_is_never_announced(
    twilio, texted_person, release, dispatch_at, texts, today
):
    person = texted_person()
    planned = today + timedelta(days=1)
    release(person, planned, confirmed=False)

    dispatch_at(london(planned, "09:00"))
    dispatch_at(london(planned + timedelta(days=2), "10:00"))

    assert texts(person) == [] and twilio.total == 0


def test_a_release_day_text_is_not_sent_when_the_release_was_recorded_on_another_day(
    twilio, texted_person, release, walk_out, dispatch_at, texts, today
):
    person = texted_person()
    confirmed = today + timedelta(days=3)
    release(person, confirmed)
    walk_out(person, today + timedelta(days=1))  # released early, on HDC say

    dispatch_at(london(confirmed, "09:00"))

    assert [t.status for t in texts(person, purpose="release_day")] == ["cancelled"]
    assert all("today is the day" not in body for body in bodies(twilio, person))


def test_check_in_asks_for_yes_or_no(twilio, texted_person, release, walk_out, dispatch_at, today):
    person = texted_person(given_name="Sam")
    released_on = today + timedelta(days=1)
    release(person, released_on)
    walk_out(person, released_on)

    dispatch_at(london(released_on + timedelta(days=2), "10:00"))

    assert "Hi Sam, did you get to your appointment? Reply YES or NO." in bodies(twilio, person)


# Appointments


def test_court_hearing_reminders_go_7_3_and_1_days_before(
    twilio, texted_person, book, dispatch_at, texts, today
):
    person = texted_person(given_name="Sam")
    hearing_on = today + timedelta(days=10)
    book(person, london(hearing_on, "10:00"), kind="court_hearing", place="Small Street")

    assert [t.due_at for t in texts(person)] == [
        london(hearing_on - timedelta(days=d), "10:00") for d in (7, 3, 1)
    ]
    for sent, days in enumerate((7, 3, 1), start=1):
        dispatch_at(london(hearing_on - timedelta(days=days), "10:00"))
        assert twilio.count(person["mobile"]) == sent
    assert all(
        f"on {hearing_on:%a} {hearing_on.day} {hearing_on:%b} at 10:00am at Small Street." in body
        for body in bodies(twilio, person)
    )


def test_a_hearing_set_with_the_court_stage_is_reminded_too(texted_person, api, texts, today):
    person = texted_person()
    hearing_on = today + timedelta(days=10)

    response = api.post(
        f"/people/{person['id']}/stages",
        {
            "kind": "court",
            "start_on": today.isoformat(),
            "court": "Bristol",
            "next_hearing_at": london(hearing_on, "10:00").isoformat(),
        },
    )

    assert response.status_code == 201, response.json
    assert [(t.purpose, t.due_at) for t in texts(person)] == [
        ("court_hearing", london(hearing_on - timedelta(days=d), "10:00")) for d in (7, 3, 1)
    ]


def test_court_reminders_already_past_are_not_written(texted_person, book, texts, today):
    person = texted_person()
    hearing_on = today + timedelta(days=5)
    book(person, london(hearing_on, "10:00"), kind="court_hearing")

    assert [t.due_at for t in texts(person)] == [
        london(hearing_on - timedelta(days=d), "10:00") for d in (3, 1)
    ]


@pytest.mark.parametrize("kind", ["probation", "treatment_assessment", "treatment_session"])
def test_other_appointments_are_reminded_once_the_day_before(
    twilio, texted_person, book, dispatch_at, texts, today, kind
):
    person = texted_person(given_name="Sam")
    on = today + timedelta(days=4)
    book(person, london(on, "15:00"), kind=kind)

    [reminder] = texts(person)
    assert reminder.due_at == london(on - timedelta(days=1), "10:00")
    dispatch_at(london(on - timedelta(days=1), "10:00"))
    dispatch_at(london(on - timedelta(days=1), "10:01"))

    assert bodies(twilio, person) == [
        f"Hi Sam, a reminder: you have an appointment tomorrow, {on:%a} {on.day} {on:%b} at 3:00pm "
        f"at {PLACE}. Can't make it? Call 0300 123 4567."
    ]


def test_a_missed_appointment_brings_a_we_missed_you_text(
    twilio, texted_person, book, api, dispatch_at, texts
):
    from tracker.sms.policy import next_sending_instant
    from tracker.sms.templates import clock_time

    person = texted_person(given_name="Sam")
    appointment = book(person, utcnow() - timedelta(hours=2))
    assert texts(person) == []

    assert api.patch(f"/appointments/{appointment['id']}", {"outcome": "missed"}).status_code == 200

    [missed] = texts(person)
    assert missed.purpose == "missed"
    dispatch_at(next_sending_instant(missed.due_at, clock_time("09:00"), clock_time("20:00"), LONDON))
    assert bodies(twilio, person) == [
        "Hi Sam, we missed you today. Please call 0300 123 4567 to arrange a new time."
    ]


# Moves and cancellations


def test_a_moved_appointment_moves_its_reminder(twilio, texted_person, book, api, dispatch_at, texts, today):
    person = texted_person()
    first, moved = today + timedelta(days=3), today + timedelta(days=6)
    appointment = book(person, london(first, "14:00"))

    response = api.patch(
        f"/appointments/{appointment['id']}", {"starts_at": london(moved, "14:00").isoformat()}
    )
    assert response.status_code == 200, response.json

    assert [(t.due_at, t.status) for t in texts(person)] == [
        (london(first - timedelta(days=1), "10:00"), "cancelled"),
        (london(moved - timedelta(days=1), "10:00"), "pending"),
    ]
    dispatch_at(london(first - timedelta(days=1), "10:00"))
    assert twilio.total == 0
    dispatch_at(london(moved - timedelta(days=1), "10:00"))
    [body] = bodies(twilio, person)
    assert f"{moved:%a} {moved.day} {moved:%b} at 2:00pm" in body


def test_moving_an_appointment_back_restores_its_reminder_once(texted_person, book, api, texts, today):
    person = texted_person()
    first, moved = today + timedelta(days=3), today + timedelta(days=6)
    appointment = book(person, london(first, "14:00"))
    for starts in (moved, first):
        api.patch(f"/appointments/{appointment['id']}", {"starts_at": london(starts, "14:00").isoformat()})

    assert [(t.due_at, t.status) for t in texts(person)] == [
        (london(first - timedelta(days=1), "10:00"), "pending"),
        (london(moved - timedelta(days=1), "10:00"), "cancelled"),
    ]


def test_a_cancelled_appointment_cancels_its_reminders(
    twilio, texted_person, book, api, dispatch_at, texts, today
):
    person = texted_person()
    hearing_on = today + timedelta(days=10)
    hearing = book(person, london(hearing_on, "10:00"), kind="court_hearing")

    assert api.patch(f"/appointments/{hearing['id']}", {"outcome": "cancelled"}).status_code == 200

    assert {t.status for t in texts(person)} == {"cancelled"}
    for days in (7, 3, 1):
        dispatch_at(london(hearing_on - timedelta(days=days), "10:00"))
    assert twilio.total == 0


def test_a_moved_release_date_moves_the_release_day_text_and_check_in(
    twilio, texted_person, release, api, dispatch_at, texts, today
):
    person = texted_person()
    first, later = today + timedelta(days=2), today + timedelta(days=9)
    custody = release(person, first)

    moved = {"crd": later.isoformat(), "confirmed": later.isoformat()}
    response = api.patch(f"/stages/{custody['id']}", {"release_dates": moved})
    assert response.status_code == 200, response.json

    assert [(t.purpose, t.due_at, t.status) for t in texts(person)] == [
        ("release_day", london(first, "09:00"), "cancelled"),
        ("release_day", london(later, "09:00"), "pending"),
    ]
    dispatch_at(london(first, "09:00"))
    assert twilio.total == 0
    dispatch_at(london(later, "09:00"))
    assert twilio.total == 1


def test_a_release_date_taken_away_cancels_the_release_texts(texted_person, release, api, texts, today):
    person = texted_person()
    custody = release(person, today + timedelta(days=2))

    response = api.patch(f"/stages/{custody['id']}", {"release_dates": {"confirmed": None}})
    assert response.status_code == 200, response.json

    assert {t.status for t in texts(person)} == {"cancelled"}


def test_release_on_licence_puts_the_check_in_two_days_after_the_day_they_walked_out(
    texted_person, release, walk_out, texts, today
):
    person = texted_person()
    release(person, today + timedelta(days=5))
    walked_out = today + timedelta(days=1)

    walk_out(person, walked_out)

    # The confirmed day's "today is the day" would now be wrong; the check-in follows A.
    assert [(t.purpose, t.due_at) for t in texts(person, status="pending")] == [
        ("check_in", london(walked_out + timedelta(days=2), "10:00")),
    ]


def test_a_recall_to_custody_holds_community_texts_and_sends_none(
    twilio, texted_person, release, walk_out, book, api, dispatch_at, texts, today, prison
):
    person = texted_person()
    release(person, today)
    walk_out(person, today)
    appointment_on = today + timedelta(days=4)
    book(person, london(appointment_on, "11:00"))
    assert texts(person, status="pending")

    recall = api.post(
        f"/people/{person['id']}/stages",
        {
            "kind": "custody",
            "start_on": today.isoformat(),
            "basis": "sentenced",
            "establishment_team_id": prison.id,
        },
    )
    assert recall.status_code == 201, recall.json

    for day in range(1, 6):
        for hhmm in ("09:00", "10:00"):
            dispatch_at(london(today + timedelta(days=day), hhmm))
    assert twilio.total == 0
    # The release's check-in went with the release; the appointment's reminder waits for the next one.
    assert {(t.purpose, t.status) for t in texts(person)} >= {
        ("check_in", "cancelled"),
        ("appointment", "held"),
    }
    [held] = texts(person, status="held")
    assert held.note == "Held: due while in custody; sent after release if still ahead."


def test_a_return_to_custody_from_court_bail_holds_texts_until_release(
    twilio, texted_person, book, api, dispatch_at, texts, today, prison
):
    person = texted_person()
    path = f"/people/{person['id']}/stages"
    assert (
        api.post(path, {"kind": "court", "start_on": today.isoformat(), "court": "Bristol"}).status_code
        == 201
    )
    book(person, london(today + timedelta(days=10), "10:00"), kind="court_hearing")
    book(person, london(today + timedelta(days=4), "10:00"))

    remand = api.post(
        path,
        {
            "kind": "custody",
            "start_on": today.isoformat(),
            "basis": "remand",
            "establishment_team_id": prison.id,
        },
    )
    assert remand.status_code == 201, remand.json

    dispatch_at(london(today + timedelta(days=3), "10:00"))  # both reminders fall due in custody
    assert twilio.total == 0
    assert sorted(t.purpose for t in texts(person, status="held")) == ["appointment", "court_hearing"]

    bailed_on = today + timedelta(days=5)  # bailed: the end of remand custody is an actual release
    bail = {"kind": "court", "start_on": bailed_on.isoformat(), "court": "Bristol", "remanded": False}
    assert api.post(path, bail).status_code == 201

    [dropped] = texts(person, purpose="appointment")
    assert dropped.status == "cancelled" and dropped.note.startswith("Dropped")
    [sent_later] = texts(person, purpose="court_hearing", status="pending", due_at=london(bailed_on, "09:00"))
    dispatch_at(london(bailed_on, "09:00"))
    assert twilio.total == 1 and sent_later.id in {t.id for t in texts(person, status="sent")}
