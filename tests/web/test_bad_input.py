"""The pages refuse what the API refuses (issue 10 item 1): dates outside their bound by the field, control
characters by the field's name, ids beyond the id columns as a missing page; nothing is stored."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.web.helpers import date_parts, text
from tracker.pathway.bounds import years_after


def routes_with_ids(app) -> list[tuple[str, str]]:
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/api/") and "<int:" in rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


@pytest.mark.parametrize("value", [2**31, 2**63])
def test_every_page_with_an_id_is_missing_for_an_id_beyond_the_column(app, world, signed_in, value):
    client = signed_in(world.om)
    routes = routes_with_ids(app)
    assert len(routes) >= 15

    answers = {
        (method, rule): client.client.open(
            re.sub(r"<int:[^>]+>", str(value), rule).replace("<any(audit, audit_c, fast):tool>", "audit"),
            method=method,
        ).status_code
        for method, rule in routes
    }

    assert {route: status for route, status in answers.items() if status != 404} == {}


def test_a_stage_starting_in_9999_is_refused_by_its_date_field(world, signed_in, make_case, db):
    person = make_case(world.om, "arrest")
    form = {"court": "Bristol Magistrates", **date_parts("start_on", date(9999, 12, 31))}

    response = signed_in(world.om).post(f"/people/{person.id}/stages/new/court", form)

    assert response.status_code == 422
    page = text(response)
    assert re.search(r'href="#start_on-day">Cannot be after \d{4}-\d{2}-\d{2}\.<', page)
    db.session.refresh(person)
    assert person.stage_kind == "arrest"


def test_a_hearing_beyond_five_years_is_refused_by_its_date_field(world, signed_in, make_case, today):
    person = make_case(world.om, "arrest")
    form = {
        "court": "Bristol Crown",
        "next_hearing_time": "10:00",
        **date_parts("start_on", today),
        **date_parts("next_hearing_on", years_after(today, 5) + timedelta(days=1)),
    }

    response = signed_in(world.om).post(f"/people/{person.id}/stages/new/court", form)

    assert response.status_code == 422
    assert 'href="#next_hearing_on-day">Cannot be after' in text(response)


def test_an_appointment_in_1999_is_refused_by_its_date_field(world, signed_in, make_case):
    person = make_case(world.om, "licence")
    form = {"kind": "probation", "at": "10:00", **date_parts("day", date(1999, 12, 31))}

    response = signed_in(world.om).post(f"/people/{person.id}/appointments/new", form)

    assert response.status_code == 422
    assert 'href="#day-day">Cannot be before 2000-01-01.<' in text(response)


def test_a_nul_in_a_form_field_is_a_422_naming_the_field_and_nothing_is_stored(
    world, signed_in, make_case, db
):
    person = make_case(world.om, "arrest")
    form = {"court": "Bristol\x00Magistrates", **date_parts("start_on", date(2026, 1, 5))}

    response = signed_in(world.om).post(f"/people/{person.id}/stages/new/court", form)

    assert response.status_code == 422
    assert "court: Contains a control character (U+0000)" in text(response)
    db.session.refresh(person)
    assert person.stage_kind == "arrest"


def test_a_line_break_in_a_one_line_field_is_refused_by_the_field(world, signed_in, make_case):
    person = make_case(world.om, "arrest")
    form = {"court": "Bristol\nMagistrates", **date_parts("start_on", date(2026, 1, 5))}

    response = signed_in(world.om).post(f"/people/{person.id}/stages/new/court", form)

    assert response.status_code == 422
    assert 'href="#court">Contains a control character (U+000A)' in text(response)


def test_a_textarea_keeps_its_line_breaks(world, signed_in, make_case, db):
    from tracker.pathway.models import Referral

    person = make_case(world.om, "licence")
    form = {"to_team_id": str(world.treatment_team.id), "reason": "AUDIT 22.\r\nDrinks daily."}

    response = signed_in(world.om).post(f"/people/{person.id}/referrals/new", form)

    assert response.status_code == 302, text(response)[:500]
    assert db.session.query(Referral).one().reason == "AUDIT 22.\r\nDrinks daily."


def test_a_nul_in_a_search_is_a_422_naming_it(world, signed_in):
    response = signed_in(world.om).get("/?q=Jo%00nes")

    assert response.status_code == 422
    assert "q: Contains a control character (U+0000)" in text(response)


def test_a_nul_at_sign_in_is_a_422_not_a_database_error(browser, world):
    response = browser.post("/sign-in", {"email": "om@example.org\x00", "password": "x"})

    assert response.status_code == 422
