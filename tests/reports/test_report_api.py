"""Who sees what through a report, what a bad request is told, the CLI export and the audit of each view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select


@pytest.fixture
def spread(db, places, release, last_year):
    """Ten releases each: Bristol, managed by Bristol Probation, 6 referred here; Eastwood by Cardiff."""
    day = last_year.start_on + timedelta(days=9)
    for n in range(10):
        release(day, started=2 if n < 6 else None)
    for n in range(10):
        release(
            day,
            team=places.eastwood,
            started=2 if n < 5 else None,
            to=places.other_treatment,
            probation_team_id=places.other_probation.id,
        )
    db.session.commit()
    return last_year


def _totals(api, year):
    body = api.get(f"/reports/continuity?period={year.name}").json
    return {r["group"]: r["released"] for r in body["rows"]}, body["total"]["released"]


def test_a_commissioner_sees_every_row(spread, api_as, places):
    assert _totals(api_as(places.commissioner), spread) == (
        {"HMP Bristol": 10, "HMP Eastwood Park": 10},
        20,
    )


def test_resettlement_sees_its_establishments_releases(spread, api_as, places):
    assert _totals(api_as(places.resettlement), spread) == ({"HMP Bristol": 10}, 10)


def test_an_offender_manager_sees_releases_their_team_managed_at_release(spread, api_as, places):
    assert _totals(api_as(places.om), spread) == ({"HMP Bristol": 10}, 10)


def test_treatment_sees_releases_of_people_referred_to_it(spread, api_as, places):
    rows, total = _totals(api_as(places.treatment), spread)

    assert total == 6 and rows == {"HMP Bristol": 6}


def test_admin_sees_no_report(spread, api_as, places):
    assert api_as(places.admin).get("/reports/continuity").status_code == 403


def test_no_token_no_report(client):
    assert client.get("/api/v1/reports/continuity").status_code == 401


@pytest.mark.parametrize(
    "query, field",
    [
        ("/reports/nonsense", "name"),
        ("/reports/continuity?period=2025", "period"),
        ("/reports/continuity?period=2025-27", "period"),
        ("/reports/continuity?period=2099-00", "period"),
        ("/reports/continuity?period=2025-26-Q5", "period"),
        ("/reports/continuity?by=postcode", "by"),
        ("/reports/continuity?format=xlsx", "format"),
    ],
)
def test_a_bad_request_names_the_field(api_as, places, query, field):
    response = api_as(places.commissioner).get(query)

    assert response.status_code == 422
    assert field in str(response.json["errors"])


def test_every_view_and_export_is_audited_and_names_no_person(spread, api_as, places, db):
    from tracker.audit import AuditEntry

    api = api_as(places.commissioner)
    api.get(f"/reports/continuity?period={spread.name}&by=sex")
    api.get(f"/reports/continuity?period={spread.name}&format=csv")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "report")).all()

    assert [(e.action, e.detail["by"], e.detail["how"]) for e in entries] == [
        ("view", "sex", "json"),
        ("export", "establishment", "csv"),
    ]
    assert all(e.person_id is None and e.actor_id == places.commissioner.id for e in entries)


def test_the_cli_exports_csv(spread, app, db):
    from tracker.audit import AuditEntry

    result = app.test_cli_runner().invoke(args=["reports", "export", "continuity", "--period", spread.name])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "establishment,released,started,share"
    assert "Total,20,11,55.0" in result.output
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.subject_type == "report")) == "export"


def test_the_cli_refuses_a_bad_breakdown(app):
    result = app.test_cli_runner().invoke(args=["reports", "export", "continuity", "--by", "postcode"])

    assert result.exit_code != 0 and "by" in result.output


def test_the_report_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json

    path = spec["paths"]["/api/v1/reports/{name}"]
    parameters = {p["name"] for p in path["get"]["parameters"] + path.get("parameters", [])}
    assert {"name", "period", "by", "format"} <= parameters
