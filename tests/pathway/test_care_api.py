"""/api/v1 appointments, referrals and screenings of a person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import count


def at(days: int) -> str:
    """An instant `days` from now, with its UTC offset, as the API takes it."""
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


# Appointments


@pytest.fixture
def book(api, path):
    """book(days, **fields): an appointment starting `days` from now, as the API returned it."""

    def make(days: int, **fields) -> dict:
        response = api.post(f"{path}/appointments", {"kind": "probation", "starts_at": at(days)} | fields)
        assert response.status_code == 201, response.json
        return response.json

    return make


def test_booking_an_appointment_answers_201_with_its_fields(api, path, make_team):
    office = make_team("Bristol Probation Office", "probation")

    response = api.post(
        f"{path}/appointments",
        {
            "kind": "treatment_assessment",
            "starts_at": "2026-05-01T10:00:00+01:00",
            "location_label": "Marsh House",
            "team_id": office.id,
        },
    )

    assert response.status_code == 201, response.json
    assert response.json["kind"] == "treatment_assessment"
    assert instant(response.json["starts_at"]) == instant("2026-05-01T09:00:00+00:00")
    assert response.json["location_label"] == "Marsh House"
    assert response.json["team_id"] == office.id
    assert response.json["outcome"] is None
    assert [a["id"] for a in api.get(f"{path}/appointments").json] == [response.json["id"]]


def test_a_starts_at_without_an_offset_is_refused(api, db, path):
    from tracker.pathway.models import Appointment

    response = api.post(f"{path}/appointments", {"kind": "probation", "starts_at": "2026-05-01T10:00:00"})

    assert response.status_code == 422
    assert "starts_at" in response.json["errors"]
    assert count(db, Appointment) == 0


def test_an_unknown_appointment_kind_is_refused(api, db, path):
    from tracker.pathway.models import Appointment

    response = api.post(f"{path}/appointments", {"kind": "dentist", "starts_at": at(3)})

    assert response.status_code == 422
    assert "kind" in response.json["errors"]
    assert count(db, Appointment) == 0


def test_an_appointment_with_an_unknown_team_is_refused(api, db, path):
    response = api.post(f"{path}/appointments", {"kind": "probation", "starts_at": at(3), "team_id": 999_999})

    assert response.status_code == 422
    assert "team_id" in response.json["errors"]


def test_a_past_appointment_can_be_recorded_as_attended(api, book):
    appointment = book(-1)

    response = api.patch(f"/appointments/{appointment['id']}", {"outcome": "attended"})

    assert response.status_code == 200, response.json
    assert response.json["outcome"] == "attended"
    assert response.json["outcome_at"]


def test_a_future_appointment_cannot_be_recorded_as_attended(api, book):
    appointment = book(2)

    response = api.patch(f"/appointments/{appointment['id']}", {"outcome": "attended"})

    assert response.status_code == 409
    assert "cancel" in response.json["message"]
    assert api.get(f"/people/{appointment['person_id']}/appointments").json[0]["outcome"] is None


def test_a_future_appointment_can_be_cancelled(api, book):
    appointment = book(2)

    response = api.patch(f"/appointments/{appointment['id']}", {"outcome": "cancelled"})

    assert response.status_code == 200, response.json
    assert response.json["outcome"] == "cancelled"


def test_a_second_outcome_is_refused(api, book):
    appointment = book(-1)
    api.patch(f"/appointments/{appointment['id']}", {"outcome": "missed"})

    response = api.patch(f"/appointments/{appointment['id']}", {"outcome": "attended"})

    assert response.status_code == 409
    assert api.get(f"/people/{appointment['person_id']}/appointments").json[0]["outcome"] == "missed"


def test_an_appointment_can_be_moved(api, book):
    appointment = book(2)

    response = api.patch(f"/appointments/{appointment['id']}", {"starts_at": "2030-01-07T14:30:00+00:00"})

    assert response.status_code == 200, response.json
    assert instant(response.json["starts_at"]) == instant("2030-01-07T14:30:00+00:00")
    assert response.json["outcome"] is None
    [moved] = api.get(f"/people/{appointment['person_id']}/appointments").json
    assert instant(moved["starts_at"]) == instant("2030-01-07T14:30:00+00:00")


def test_a_move_without_an_offset_is_refused(api, book):
    appointment = book(2)

    response = api.patch(f"/appointments/{appointment['id']}", {"starts_at": "2030-01-07T14:30:00"})

    assert response.status_code == 422
    assert "starts_at" in response.json["errors"]


def test_an_outcome_and_a_move_together_are_refused(api, book):
    appointment = book(-1)

    response = api.patch(f"/appointments/{appointment['id']}", {"outcome": "attended", "starts_at": at(3)})

    assert response.status_code == 422


def test_an_unknown_outcome_is_refused_naming_outcome(api, book):
    appointment = book(-1)

    response = api.patch(f"/appointments/{appointment['id']}", {"outcome": "late"})

    assert response.status_code == 422
    assert "outcome" in response.json["errors"]


def test_a_missing_appointment_answers_404(api):
    assert api.patch("/appointments/999999", {"outcome": "cancelled"}).status_code == 404


# Referrals


@pytest.fixture
def referral(api, path, alcohol_service):
    response = api.post(f"{path}/referrals", {"to_team_id": alcohol_service.id, "reason": "AUDIT zone IV"})
    assert response.status_code == 201, response.json
    return response.json


def test_a_referral_is_made(referral, alcohol_service):
    assert referral["status"] == "made"
    assert referral["to_team_id"] == alcohol_service.id
    assert referral["reason"] == "AUDIT zone IV"
    assert referral["made_at"]


def test_a_referral_to_an_unknown_team_is_refused(api, path):
    response = api.post(f"{path}/referrals", {"to_team_id": 999_999, "reason": "AUDIT zone IV"})

    assert response.status_code == 422
    assert "to_team_id" in response.json["errors"]


def test_a_referral_without_a_reason_is_refused_naming_it(api, path, alcohol_service):
    response = api.post(f"{path}/referrals", {"to_team_id": alcohol_service.id})

    assert response.status_code == 422
    assert "reason" in response.json["errors"]


def test_a_referral_moves_from_made_to_accepted_to_started(api, referral, today):
    accepted = api.patch(f"/referrals/{referral['id']}", {"status": "accepted"})
    started = api.patch(
        f"/referrals/{referral['id']}", {"status": "started", "treatment_started_on": today.isoformat()}
    )

    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "accepted"
    assert started.status_code == 200, started.json
    assert started.json["status"] == "started"
    assert started.json["treatment_started_on"] == today.isoformat()


def test_started_without_a_treatment_start_date_is_refused_naming_it(api, referral):
    response = api.patch(f"/referrals/{referral['id']}", {"status": "started"})

    assert response.status_code == 422
    assert "treatment_started_on" in response.json["errors"]


def test_a_treatment_start_in_the_future_is_refused(api, referral, today):
    response = api.patch(
        f"/referrals/{referral['id']}",
        {"status": "started", "treatment_started_on": (today + timedelta(days=2)).isoformat()},
    )

    assert response.status_code == 422
    assert "treatment_started_on" in response.json["errors"]


def test_a_treatment_start_before_the_referral_is_refused(api, referral, today):
    response = api.patch(
        f"/referrals/{referral['id']}",
        {"status": "started", "treatment_started_on": (today - timedelta(days=3)).isoformat()},
    )

    assert response.status_code == 422
    assert "treatment_started_on" in response.json["errors"]


def test_a_declined_referral_cannot_be_accepted(api, path, referral):
    api.patch(f"/referrals/{referral['id']}", {"status": "declined", "decline_reason": "no_capacity"})

    response = api.patch(f"/referrals/{referral['id']}", {"status": "accepted"})

    assert response.status_code == 409
    assert "Allowed next: nothing" in response.json["message"]
    assert api.get(f"{path}/referrals").json[0]["status"] == "declined"


def test_an_accepted_referral_cannot_be_accepted_again_and_says_what_is_allowed(api, referral):
    api.patch(f"/referrals/{referral['id']}", {"status": "accepted"})

    response = api.patch(f"/referrals/{referral['id']}", {"status": "accepted"})

    assert response.status_code == 409
    assert "started, declined" in response.json["message"]


# Screenings


@pytest.fixture
def screen(api, path):
    """screen(tool, answers, intervention="simple_advice"): the API's answer to a new screening."""

    def post(tool: str, answers: list, intervention: str = "simple_advice"):
        return api.post(
            f"{path}/screenings", {"tool": tool, "answers": answers, "intervention": intervention}
        )

    return post


def test_an_audit_returns_score_zone_positive_and_action(screen):
    response = screen("audit", [2, 2, 1, 1, 1, 1, 0, 0, 0, 0])

    assert response.status_code == 201, response.json
    assert response.json["score"] == 8
    assert response.json["zone"] == 2
    assert response.json["positive"] is True
    assert response.json["action"] == "Simple advice"


def test_an_audit_in_zone_iv_calls_for_a_specialist(screen):
    response = screen("audit", [4, 4, 4, 2, 2, 2, 2, 0, 0, 0], "referred")

    assert response.json["score"] == 20
    assert response.json["zone"] == 4
    assert "specialist" in response.json["action"]


def test_a_screening_is_kept_with_its_answers(api, path, screen):
    screen("audit", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])

    [kept] = api.get(f"{path}/screenings").json

    assert kept["tool"] == "audit"
    assert kept["answers"] == [0] * 10
    assert kept["zone"] == 1
    assert kept["positive"] is False
    assert kept["intervention"] == "simple_advice"


@pytest.mark.parametrize(
    ("answers", "item"),
    [
        ([5, 0, 0, 0, 0, 0, 0, 0, 0, 0], "answers.1"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 3, 0], "answers.9"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, -2], "answers.10"),
        ([0, "two", 0, 0, 0, 0, 0, 0, 0, 0], "answers.2"),
    ],
    ids=["item 1 is 5", "item 9 is 3", "item 10 is -2", "item 2 is text"],
)
def test_an_out_of_range_audit_item_is_refused_naming_it(db, screen, answers, item):
    from tracker.pathway.models import Screening

    response = screen("audit", answers)

    assert response.status_code == 422
    assert item in response.json["errors"]
    assert count(db, Screening) == 0


@pytest.mark.parametrize("answers", [[0] * 9, [0] * 11, []])
def test_an_audit_with_the_wrong_number_of_answers_is_refused(db, screen, answers):
    from tracker.pathway.models import Screening

    response = screen("audit", answers)

    assert response.status_code == 422
    assert "answers" in response.json["errors"]
    assert count(db, Screening) == 0


def test_an_unknown_tool_is_refused_naming_it(screen):
    response = screen("cage", [0, 0, 0, 0])

    assert response.status_code == 422
    assert "tool" in response.json["errors"]


@pytest.mark.parametrize(("answers", "positive"), [([2, 2, 1], True), ([2, 1, 1], False)], ids=["5", "4"])
def test_audit_c_is_positive_at_5(screen, answers, positive):
    response = screen("audit_c", answers)

    assert response.status_code == 201, response.json
    assert response.json["positive"] is positive
    assert response.json["zone"] is None


def test_a_positive_audit_c_calls_for_a_full_audit(screen):
    assert "Full AUDIT" in screen("audit_c", [2, 2, 1]).json["action"]


def test_fast_with_a_first_answer_of_never_is_negative(screen):
    response = screen("fast", [0, 4, 4, 4])

    assert response.status_code == 201, response.json
    assert response.json["positive"] is False


@pytest.mark.parametrize("first", [3, 4])
def test_fast_with_a_weekly_or_daily_first_answer_is_positive(screen, first):
    assert screen("fast", [first, 0, 0, 0]).json["positive"] is True


@pytest.mark.parametrize(
    ("answers", "positive"), [([1, 2, 0, 0], True), ([1, 1, 0, 0], False)], ids=["3", "2"]
)
def test_fast_otherwise_is_positive_at_3(screen, answers, positive):
    assert screen("fast", answers).json["positive"] is positive
