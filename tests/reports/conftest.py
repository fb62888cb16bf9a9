"""Report fixtures: releases written straight into the tables, with the facts fixed at A, in a past year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest


@dataclass
class Places:
    """The teams and staff the report tests use."""

    bristol: Any
    eastwood: Any
    probation: Any
    other_probation: Any
    treatment_team: Any
    other_treatment: Any
    commissioner: Any
    resettlement: Any
    om: Any
    treatment: Any
    admin: Any


@pytest.fixture
def places(db, make_team, make_staff) -> Places:
    bristol = make_team("HMP Bristol", "prison", "BCI")
    eastwood = make_team("HMP Eastwood Park", "prison", "EWI")
    probation = make_team("Bristol Probation", "probation")
    other_probation = make_team("Cardiff Probation", "probation")
    treatment_team = make_team("Bristol Community Alcohol Service", "treatment")
    other_treatment = make_team("Cardiff Alcohol Service", "treatment")
    return Places(
        bristol,
        eastwood,
        probation,
        other_probation,
        treatment_team,
        other_treatment,
        make_staff("commissioner", probation),
        make_staff("resettlement", bristol),
        make_staff("offender_manager", probation),
        make_staff("treatment", treatment_team),
        make_staff("admin", probation),
    )


@pytest.fixture
def last_year(today):
    """The financial year before this one: every 21-day outcome in it is known."""
    from tracker.reports.periods import financial_year

    return financial_year(financial_year(today).start_on - timedelta(days=1))


@pytest.fixture
def release(db, places):
    """release(on, team=bristol, need=True, started=days after A or None, **facts): one actual release."""
    from tracker.pathway.models import Handover, Pathway, Person, Referral, Stage

    counter = iter(range(1, 100_000))

    def make(
        on: date,
        team=None,
        need: bool = True,
        started: int | None = None,
        status: str = "started",
        kind: str = "structured_alcohol_treatment",
        to=None,
        referred: int = -10,
        **facts: Any,
    ):
        n = next(counter)
        person = Person(given_name=f"P{n}", family_name="Test", alcohol_need=need)
        db.session.add(person)
        db.session.flush()
        pathway = Pathway(person_id=person.id, opened_on=on - timedelta(days=200))
        db.session.add(pathway)
        db.session.flush()
        team = team or places.bristol
        stage = Stage(
            pathway_id=pathway.id,
            person_id=person.id,
            position=1,
            kind="custody",
            start_on=on - timedelta(days=100),
            basis="sentenced",
            establishment_team_id=team.id,
        )
        db.session.add(stage)
        db.session.flush()
        values = {
            "age_band": "25_34",
            "sex": "male",
            "ethnic_group": "white_british",
            "probation_team_id": places.probation.id,
            "sentence_band": "under_12_months",
        } | facts
        db.session.add(
            Handover(
                person_id=person.id,
                stage_id=stage.id,
                kind="release",
                team_id=team.id,
                due_on=on,
                released_on=on,
                status="open",
                alcohol_need=need,
                **values,
            )
        )
        if started is not None or to is not None:
            from datetime import UTC, datetime, time

            made = datetime.combine(on + timedelta(days=referred), time(12), UTC)
            db.session.add(
                Referral(
                    person_id=person.id,
                    to_team_id=(to or places.treatment_team).id,
                    kind=kind,
                    reason="need",
                    status=status,
                    treatment_started_on=on + timedelta(days=started) if started is not None else None,
                    made_at=made,
                )
            )
        db.session.flush()
        return person

    return make
