"""Fixtures for the pages: a small world of teams and staff, people on a pathway, and a signed-in client.

CSRF is on, as in production: every post first fetches its form and sends back that form's token.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.web.helpers import PASSWORD, Browser, World, stage_fields
from tracker.types import utcnow


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian's chromium through Playwright against a live server"
    )


@pytest.fixture(autouse=True)
def fresh_limits(app):
    """Each test starts with no sign-in attempts counted."""
    from tracker.extensions import limiter

    limiter.reset()


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def signed_in(app):
    """signed_in(staff): a fresh client with that staff member signed in."""

    def make(staff) -> Browser:
        b = Browser(app.test_client())
        response = b.sign_in(staff)
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        return b

    return make


@pytest.fixture
def world(db) -> World:
    from tracker.auth import service

    teams = {
        "probation": service.create_team("Bristol Probation", "probation"),
        "prison": service.create_team("HMP Bristol", "prison", "BCI"),
        "other_prison": service.create_team("HMP Eastwood Park", "prison", "EWI"),
        "treatment_team": service.create_team("Bristol Community Alcohol Service", "treatment"),
        "other_probation": service.create_team("Cardiff Probation", "probation"),
    }
    accounts = {
        "om": ("om@example.org", "offender_manager", "Bristol Probation", "Olivia Mensah"),
        "om2": ("om2@example.org", "offender_manager", "Bristol Probation", "Tom Price"),
        "other_om": ("cardiff@example.org", "offender_manager", "Cardiff Probation", "Carys Lloyd"),
        "resettlement": ("resettlement@example.org", "resettlement", "HMP Bristol", "Rhys Evans"),
        "other_resettlement": ("eastwood@example.org", "resettlement", "HMP Eastwood Park", "Erin Wood"),
        "treatment": (
            "treatment@example.org",
            "treatment",
            "Bristol Community Alcohol Service",
            "Tara Singh",
        ),
        "commissioner": ("commissioner@example.org", "commissioner", "Bristol Probation", "Chris Hall"),
        "admin": ("admin@example.org", "admin", "Bristol Probation", "Ada Brown"),
    }
    staff = {
        key: service.create_staff(email, role, team, PASSWORD, name)
        for key, (email, role, team, name) in accounts.items()
    }
    db.session.commit()
    return World(**teams, **staff)


@pytest.fixture
def make_case(db, world, today):
    """make_case(om, *kinds, release_in=30, **fields): a person on that caseload, through these stages."""
    from tracker.pathway import service

    counter = iter(range(1, 10_000))

    def make(om=None, *kinds: str, release_in: int = 30, **fields: Any):
        om = om or world.om
        n = next(counter)
        person = service.create_person(
            {
                "given_name": fields.pop("given_name", f"Sam{n}"),
                "family_name": fields.pop("family_name", "Jones"),
                "date_of_birth": date(1985, 4, 2),
                "crn": f"X{100000 + n}",
                "alcohol_need": True,
                **fields,
            },
            by=om,
            now=utcnow(),
        )
        start = today - timedelta(days=20 * len(kinds) + 5)
        for step, kind in enumerate(kinds):
            fields_of_stage = stage_fields(world, kind, start + timedelta(days=20 * step), today, release_in)
            service.add_stage(person, fields_of_stage, by=om, now=utcnow())
        db.session.commit()
        return person

    return make
