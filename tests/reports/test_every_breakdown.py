"""Every breakdown of the referrals, outcomes, handovers and service user voice reports runs for every
role with a scope, as JSON and CSV, and its page renders: the SQL compiles on this database."""

from __future__ import annotations

import pytest

from tracker.reports import registry

MINE = ("referrals", "outcomes", "handovers", "service_user_voice")
CASES = [(name, by) for name in MINE for by in registry.REPORTS[name].BREAKDOWNS]


@pytest.mark.parametrize(("name", "by"), CASES)
@pytest.mark.parametrize("role", ["commissioner", "resettlement", "om", "treatment"])
def test_each_breakdown_answers_for_each_role(places, api_as, last_year, name, by, role):
    api = api_as(getattr(places, role))

    body = api.get(f"/reports/{name}?period={last_year.name}&by={by}")
    csv = api.get(f"/reports/{name}?period={last_year.name}-Q1&by={by}&format=csv")

    assert body.status_code == 200, body.json
    assert body.json["total"][registry.REPORTS[name].COUNTS[0].name] == 0
    assert csv.status_code == 200 and csv.mimetype == "text/csv"


@pytest.mark.parametrize("name", MINE)
def test_admin_gets_403(places, api_as, name):
    assert api_as(places.admin).get(f"/reports/{name}").status_code == 403
