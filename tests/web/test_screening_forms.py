"""The AUDIT, AUDIT-C and FAST pages: UK wording in units, and what was done after each screening."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.web.helpers import text

INTERVENTIONS = ["education", "simple_advice", "brief_intervention", "referred", "declined"]
UNITS_Q3 = (
    "How often have you had 6 or more units if female, or 8 or more if male, on a single occasion "
    "in the last year?"
)


def screenings(db, person):
    from tracker.pathway.models import Screening

    return db.session.scalars(select(Screening).where(Screening.person_id == person.id)).all()


def radios(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="radio" value="([^"]+)"', page)


def legends(page: str) -> list[str]:
    return [s.strip() for s in re.findall(r'<legend class="govuk-fieldset__legend">([^<]+)</legend>', page)]


def test_the_person_page_offers_each_screening(world, signed_in, make_case):
    person = make_case(world.om, "court")

    page = text(signed_in(world.om).get(f"/people/{person.id}"))

    for tool in ("audit_c", "fast", "audit"):
        assert f'href="/people/{person.id}/screenings/{tool}"' in page


def test_every_screening_asks_what_was_done(world, signed_in, make_case):
    person = make_case(world.om, "court")
    client = signed_in(world.om)

    for tool in ("audit", "audit_c", "fast"):
        page = text(client.get(f"/people/{person.id}/screenings/{tool}"))
        assert radios(page, "intervention") == INTERVENTIONS
        assert "Referred to a specialist alcohol service" in page


def test_a_screening_without_what_was_done_is_refused_with_the_answers_kept(world, signed_in, make_case, db):
    person = make_case(world.om, "court")

    response = signed_in(world.om).post(
        f"/people/{person.id}/screenings/audit_c", {"q1": "2", "q2": "1", "q3": "0"}
    )

    assert response.status_code == 422
    page = text(response)
    assert '<a href="#intervention">Select what was done after the screening</a>' in page
    assert re.search(r'id="q1-3" name="q1" type="radio" value="2" checked', page)
    assert screenings(db, person) == []


@pytest.mark.parametrize("intervention", ["education", "simple_advice", "brief_intervention"])
def test_zone_iv_with_advice_only_is_refused_by_the_intervention_field(
    world, signed_in, make_case, db, intervention
):
    person = make_case(world.om, "court")
    answers = {f"q{n}": "4" for n in range(1, 11)} | {"intervention": intervention}

    response = signed_in(world.om).post(f"/people/{person.id}/screenings/audit", answers)

    assert response.status_code == 422
    page = text(response)
    assert '<a href="#intervention">An AUDIT in zone IV calls for a referral' in page
    assert re.search(r'<p id="intervention-error" class="govuk-error-message">.*?zone IV', page)
    assert screenings(db, person) == []


@pytest.mark.parametrize("intervention", ["referred", "declined"])
def test_zone_iv_with_a_referral_or_a_refusal_is_kept(world, signed_in, make_case, db, intervention):
    person = make_case(world.om, "court")
    answers = {f"q{n}": "4" for n in range(1, 11)} | {"intervention": intervention}
    client = signed_in(world.om)

    response = client.post(f"/people/{person.id}/screenings/audit", answers)

    assert response.status_code == 302
    [kept] = screenings(db, person)
    assert (kept.zone, kept.intervention) == (4, intervention)
    assert "Zone IV" in text(client.get(response.headers["Location"]))


def test_audit_c_asks_the_first_three_uk_questions_and_offers_the_full_audit(world, signed_in, make_case, db):
    person = make_case(world.om, "court")
    client = signed_in(world.om)
    page = text(client.get(f"/people/{person.id}/screenings/audit_c"))
    assert legends(page)[:3] == [
        "1. How often do you have a drink containing alcohol?",
        "2. How many units of alcohol do you drink on a typical day when you are drinking?",
        f"3. {UNITS_Q3}",
    ]
    assert radios(page, "q4") == []

    response = client.post(
        f"/people/{person.id}/screenings/audit_c",
        {"q1": "3", "q2": "3", "q3": "3", "intervention": "brief_intervention"},
    )

    assert response.status_code == 302
    result = text(client.get(response.headers["Location"]))
    assert "AUDIT-C score 9" in result and "Full AUDIT required" in result
    assert "9 out of 12" in result
    assert f'href="/people/{person.id}/screenings/audit">Run the full AUDIT</a>' in result
    [kept] = screenings(db, person)
    assert (kept.tool, kept.answers, kept.positive, kept.intervention) == (
        "audit_c",
        [3, 3, 3],
        True,
        "brief_intervention",
    )


def test_fast_asks_audit_questions_3_5_8_and_10(world, signed_in, make_case, db):
    person = make_case(world.om, "court")
    client = signed_in(world.om)
    page = text(client.get(f"/people/{person.id}/screenings/fast"))
    assert [legend.split(". ", 1)[1] for legend in legends(page)[:4]] == [
        UNITS_Q3,
        "How often during the last year have you failed to do what was normally expected from you "
        "because of your drinking?",
        "How often during the last year have you been unable to remember what happened the night before "
        "because you had been drinking?",
        "Has a relative or friend, doctor or other health worker been concerned about your drinking or "
        "suggested that you cut down?",
    ]
    assert radios(page, "q10") == ["0", "2", "4"]

    unanswered = client.post(f"/people/{person.id}/screenings/fast", {"q3": "1", "q5": "0", "q10": "0"})
    assert unanswered.status_code == 422
    assert '<a href="#q8">Answer question 3</a>' in text(unanswered)

    response = client.post(
        f"/people/{person.id}/screenings/fast",
        {"q3": "1", "q5": "1", "q8": "0", "q10": "2", "intervention": "simple_advice"},
    )
    assert response.status_code == 302
    [kept] = screenings(db, person)
    assert (kept.tool, kept.answers, kept.score, kept.positive) == ("fast", [1, 1, 0, 2], 4, True)


def test_the_timeline_says_what_was_done(world, signed_in, make_case):
    person = make_case(world.om, "court")
    client = signed_in(world.om)
    client.post(
        f"/people/{person.id}/screenings/audit_c",
        {"q1": "1", "q2": "0", "q3": "0", "intervention": "education"},
    )

    page = text(client.get(f"/people/{person.id}"))

    assert "What was done: Alcohol education" in page


def test_the_screening_pages_are_for_those_who_may_screen(world, signed_in, make_case):
    person = make_case(world.om, "court")

    assert signed_in(world.om2).get(f"/people/{person.id}/screenings/fast").status_code == 403
    assert signed_in(world.other_om).get(f"/people/{person.id}/screenings/fast").status_code == 404
    assert signed_in(world.om).get(f"/people/{person.id}/screenings/cage").status_code == 404
