"""Every date the API takes has a bound that fits its meaning: one day beyond is a 422 naming the field,
nothing is stored, and no date that is kept can overflow the rules' arithmetic (issue 10 item 1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.helpers import count
from tracker.pathway.bounds import years_after

FIRST_NEAR, LAST_FAR = date(2000, 1, 1), date(2150, 12, 31)
DAY = timedelta(days=1)


def last_near(today: date) -> date:
    return years_after(today, 5)


def field_errors(response) -> dict:
    assert response.status_code == 422, (response.status_code, response.json)
    return response.json["errors"]


def stage(kind: str, start_on: date, **fields) -> dict:
    return {"kind": kind, "start_on": start_on.isoformat(), **fields}


def test_a_court_hearing_at_9999_12_31_is_refused_and_nothing_is_stored(api, person_id, db):
    from tracker.pathway.models import Appointment, Stage

    response = api.post(
        f"/people/{person_id}/stages",
        stage("court", date(2026, 1, 5), court="Bristol Magistrates", next_hearing_at="9999-12-31T10:00:00Z"),
    )

    assert field_errors(response)["next_hearing_at"] == [f"Cannot be after {last_near_today()}."]
    assert count(db, Stage) == count(db, Appointment) == 0


def last_near_today() -> str:
    from tracker.clock import local_today

    return last_near(local_today()).isoformat()


@pytest.mark.parametrize(
    "starts_at",
    ["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00", "1999-12-31T23:59:59Z"],
    ids=["year 9999", "year 1 west of UTC", "the day before 2000"],
)
def test_an_appointment_far_outside_its_bound_is_a_422_not_an_overflow(api, person_id, starts_at):
    response = api.post(f"/people/{person_id}/appointments", {"kind": "probation", "starts_at": starts_at})

    assert list(field_errors(response)) == ["starts_at"]


def test_moving_an_appointment_beyond_its_bound_is_refused_and_it_stays_put(api, person_id, today):
    booked = api.post(
        f"/people/{person_id}/appointments",
        {"kind": "probation", "starts_at": f"{today + 7 * DAY}T10:00:00+00:00"},
    ).json

    response = api.patch(
        f"/appointments/{booked['id']}", {"starts_at": f"{last_near(today) + DAY}T10:00:00Z"}
    )

    assert list(field_errors(response)) == ["starts_at"]
    assert api.get(f"/people/{person_id}/appointments").json[0]["starts_at"] == booked["starts_at"]


def test_an_appointment_on_the_last_day_of_its_bound_is_booked(api, person_id, today):
    response = api.post(
        f"/people/{person_id}/appointments",
        {"kind": "probation", "starts_at": f"{last_near(today)}T10:00:00+00:00"},
    )

    assert response.status_code == 201, response.json


@pytest.mark.parametrize(
    ("born", "refused"),
    [
        ("1899-12-31", "Cannot be before 1900-01-01."),
        ("1900-01-01", None),
        ("tomorrow", "Cannot be after {today}."),
        ("today", None),
    ],
)
def test_a_date_of_birth_is_from_1900_to_today(api, today, born, refused):
    value = {"today": today, "tomorrow": today + DAY}.get(born) or date.fromisoformat(born)

    response = api.post("/people", {"given_name": "Ann", "family_name": "Lee", "date_of_birth": str(value)})

    if refused is None:
        assert response.status_code == 201, response.json
    else:
        assert field_errors(response) == {"date_of_birth": [refused.format(today=today)]}


def test_changing_a_date_of_birth_to_1066_is_refused(api, person_id):
    response = api.patch(f"/people/{person_id}", {"date_of_birth": "1066-10-14"})

    assert field_errors(response) == {"date_of_birth": ["Cannot be before 1900-01-01."]}
    assert api.get(f"/people/{person_id}").json["date_of_birth"] == "1985-04-02"


def test_a_stage_cannot_start_before_2000_or_more_than_five_years_ahead(api, person_id, today):
    early = api.post(f"/people/{person_id}/stages", stage("identified", FIRST_NEAR - DAY))
    late = api.post(f"/people/{person_id}/stages", stage("identified", last_near(today) + DAY))

    assert field_errors(early) == {"start_on": ["Cannot be before 2000-01-01."]}
    assert field_errors(late) == {"start_on": [f"Cannot be after {last_near(today)}."]}


def test_release_dates_may_lie_to_2150_and_no_further(api, person_id, prison):
    release_dates = {"sed": str(LAST_FAR), "led": str(LAST_FAR + DAY), "crd": "9999-12-31"}

    response = api.post(
        f"/people/{person_id}/stages",
        stage(
            "custody",
            date(2026, 1, 5),
            basis="sentenced",
            establishment_team_id=prison.id,
            release_dates=release_dates,
        ),
    )

    assert field_errors(response) == {
        "release_dates": {"led": ["Cannot be after 2150-12-31."], "crd": ["Cannot be after 2150-12-31."]}
    }


def test_new_release_dates_on_a_custody_stage_are_bounded_too(api, person_id, prison):
    custody = api.post(
        f"/people/{person_id}/stages",
        stage("custody", date(2026, 1, 5), basis="remand", establishment_team_id=prison.id),
    ).json

    response = api.patch(f"/stages/{custody['id']}", {"release_dates": {"confirmed": "3000-01-01"}})

    assert field_errors(response) == {"release_dates": {"confirmed": ["Cannot be after 2150-12-31."]}}


def test_an_order_may_end_decades_ahead_but_an_atr_within_five_years(api, person_id, alcohol_service, today):
    atr = stage(
        "atr",
        date(2026, 1, 5),
        order_type="community_order",
        order_end_on=str(LAST_FAR + DAY),
        atr_end_on=str(last_near(today) + DAY),
        treatment_team_id=alcohol_service.id,
        dependency_assessed=True,
        consent_recorded=True,
    )

    errors = field_errors(api.post(f"/people/{person_id}/stages", atr))

    assert errors == {
        "order_end_on": ["Cannot be after 2150-12-31."],
        "atr_end_on": [f"Cannot be after {last_near(today)}."],
    }


def test_a_treatment_start_date_is_bounded(api, api_as, make_staff, person_id, alcohol_service):
    treatment = api_as(make_staff("treatment", team=alcohol_service))
    referral = api.post(
        f"/people/{person_id}/referrals", {"to_team_id": alcohol_service.id, "reason": "AUDIT 22"}
    ).json

    response = treatment.patch(
        f"/referrals/{referral['id']}", {"status": "started", "treatment_started_on": "1999-12-31"}
    )

    assert field_errors(response) == {"treatment_started_on": ["Cannot be before 2000-01-01."]}


def test_today_is_read_when_the_date_is_checked_not_when_the_app_starts(api, person_id, monkeypatch):
    import tracker.inputs

    monkeypatch.setattr(tracker.inputs, "local_today", lambda: date(2040, 1, 1))

    response = api.post(f"/people/{person_id}/stages", stage("identified", date(2044, 12, 31)))

    assert response.status_code == 201, response.json


def test_dates_at_the_edges_of_their_bounds_leave_the_sweep_working(
    app, api, person_id, prison, today, make_person, om
):
    custody = {
        "basis": "sentenced",
        "establishment_team_id": prison.id,
        "sentence_start_on": str(today),
        "release_dates": {"crd": str(LAST_FAR), "sed": str(LAST_FAR), "confirmed": str(LAST_FAR)},
    }
    assert api.post(f"/people/{person_id}/stages", stage("custody", today, **custody)).status_code == 201
    other = make_person(om, given_name="Kim")["id"]
    hearing = f"{last_near(today)}T10:00:00+00:00"
    court = stage(
        "court", today, court="Bristol Crown", next_hearing_at=hearing, expected_end_on=str(LAST_FAR)
    )
    assert api.post(f"/people/{other}/stages", court).status_code == 201

    result = app.test_cli_runner().invoke(args=["alerts", "sweep"])

    assert result.exit_code == 0, result.output
