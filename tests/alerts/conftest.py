"""Fixtures of the sweep's tests: a probation team, a prison and a treatment service; people held there."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

DAY = timedelta(days=1)


@pytest.fixture
def world(make_staff, make_team):
    """An offender manager in a probation team, a prison, a treatment service and their staff."""

    class World:
        prison = make_team("HMP Bristol", "prison", "BCI")
        other_prison = make_team("HMP Eastwood Park", "prison", "EWI")
        service = make_team("Bristol Community Alcohol Service", "treatment")
        om = make_staff("offender_manager")

    return World


@pytest.fixture
def in_custody(world, api_as, make_person, today):
    """in_custody(release_on, **person_fields): a person held at the prison, and their custody stage."""

    def make(release_on: date | None, start_on: date | None = None, **fields):
        person = make_person(world.om, **fields)
        stage = {
            "kind": "custody",
            "start_on": str(start_on or today - 200 * DAY),
            "basis": "sentenced",
            "establishment_team_id": world.prison.id,
        }
        if release_on:
            stage["release_dates"] = {"crd": str(release_on), "source": "NOMIS"}
        response = api_as(world.om).post(f"/people/{person['id']}/stages", stage)
        assert response.status_code == 201, response.json
        return person, response.json

    return make


@pytest.fixture
def book(world, api_as):
    """book(person, starts_at): a probation appointment; returns its id."""

    def make(person: dict, starts_at: datetime) -> int:
        appointment = {"kind": "probation", "starts_at": starts_at.isoformat()}
        response = api_as(world.om).post(f"/people/{person['id']}/appointments", appointment)
        assert response.status_code == 201, response.json
        return response.json["id"]

    return make
