"""Recording the next stage and changing release dates through the pages: the API's schema and service."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.web.helpers import date_parts, text


def radio_values(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="radio" value="([^"]+)"', page)


def test_only_the_kinds_allowed_next_are_offered(world, signed_in, make_case):
    person = make_case(world.om, "arrest")

    page = text(signed_in(world.om).get(f"/people/{person.id}/stages/new"))

    assert radio_values(page, "kind") == ["court", "closed"]


def test_choosing_a_kind_leads_to_its_fields(world, signed_in, make_case):
    person = make_case(world.om, "court")
    client = signed_in(world.om)

    response = client.post(f"/people/{person.id}/stages/new", {"kind": "custody"})

    assert response.headers["Location"] == f"/people/{person.id}/stages/new/custody"
    page = text(client.get(response.headers["Location"]))
    assert "Establishment" in page and "Conditional release date (CRD)" in page
    assert "Court" not in re.findall(r'<label class="govuk-label" for="[^"]+">\s*([^<]+?)\s*</label>', page)


def test_a_custody_stage_with_a_release_date_is_recorded_through_the_service(
    world, signed_in, make_case, today, db
):
    from tracker.pathway.models import Handover

    person = make_case(world.om, "court")
    release = today + timedelta(days=50)
    form = {
        "basis": "sentenced",
        "establishment_team_id": str(world.prison.id),
        "release_source": "NOMIS",
        **date_parts("start_on", today),
        **date_parts("sentence_start_on", today),
        **date_parts("crd", release),
    }

    response = signed_in(world.om).post(f"/people/{person.id}/stages/new/custody", form)

    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}"
    stage = db.session.get(type(person), person.id).pathways[-1].stages[-1]
    assert (stage.kind, stage.release_on) == ("custody", release)
    assert stage.release_dates[0].source == "NOMIS"
    assert db.session.query(Handover).filter_by(stage_id=stage.id, kind="release").one().due_on == release


def test_the_person_page_then_says_so(world, signed_in, make_case, today):
    person = make_case(world.om, "court")
    client = signed_in(world.om)
    form = {"basis": "remand", "establishment_team_id": str(world.prison.id), **date_parts("start_on", today)}
    client.post(f"/people/{person.id}/stages/new/custody", form)

    page = text(client.get(f"/people/{person.id}"))

    assert "Custody stage recorded." in page and "Custody, since" in page


def test_a_refused_transition_says_what_is_allowed(world, signed_in, make_case, today):
    person = make_case(world.om, "arrest")
    client = signed_in(world.om)
    form_page = f"/people/{person.id}/stages/new/custody"
    # The form was opened while custody was allowed; the pathway has moved on since.
    from tests.web.helpers import csrf_token

    token = csrf_token(client.get(f"/people/{person.id}/stages/new").get_data(as_text=True))
    form = {"basis": "remand", "establishment_team_id": str(world.prison.id), **date_parts("start_on", today)}

    response = client.post_with_token(form_page, form, token)

    assert response.status_code == 409
    page = text(response)
    assert "There is a problem" in page
    assert "A custody stage cannot follow arrest. Allowed next: court, closed." in page


def test_a_link_to_a_kind_not_allowed_explains_what_is(world, signed_in, make_case):
    person = make_case(world.om, "arrest")
    client = signed_in(world.om)

    response = client.get(f"/people/{person.id}/stages/new/licence")
    page = text(client.get(response.headers["Location"]))

    assert "A licence stage cannot follow arrest. Allowed next: court, closed." in page


def test_a_bad_field_shows_the_summary_and_the_message_by_the_field_keeping_what_was_typed(
    world, signed_in, make_case
):
    person = make_case(world.om, "court")
    form = {
        "basis": "sentenced",
        "establishment_team_id": str(world.prison.id),
        "release_source": "NOMIS",
        "start_on": ["31", "2", "2026"],
        "crd": ["", "5", "2027"],
    }

    response = signed_in(world.om).post(f"/people/{person.id}/stages/new/custody", form)
    page = text(response)

    assert response.status_code == 422
    assert '<a href="#start_on-day">Start date must be a real date</a>' in page
    assert '<a href="#crd-day">Conditional release date (CRD) must include a day</a>' in page
    assert 'id="start_on-error"' in page and "govuk-form-group--error" in page
    assert 'value="31"' in page and 'value="NOMIS"' in page and 'value="2027"' in page
    assert re.search(r'value="sentenced" checked', page)


def test_a_missing_required_field_is_named(world, signed_in, make_case, today):
    person = make_case(world.om, "court")

    response = signed_in(world.om).post(
        f"/people/{person.id}/stages/new/custody", date_parts("start_on", today)
    )
    page = text(response)

    assert response.status_code == 422
    assert '<a href="#basis">Select whether they are remanded or sentenced</a>' in page
    assert '<a href="#establishment_team_id">Select the establishment</a>' in page


def test_the_services_own_refusal_lands_by_its_field(world, signed_in, make_case, today):
    person = make_case(world.om, "court")
    form = {
        "order_type": "community_order",
        "treatment_team_id": str(world.treatment_team.id),
        "dependency_assessed": "y",
        **date_parts("start_on", today),
        **date_parts("order_end_on", today + timedelta(days=300)),
        **date_parts("atr_end_on", today + timedelta(days=200)),
    }

    response = signed_in(world.om).post(f"/people/{person.id}/stages/new/atr", form)
    page = text(response)

    assert response.status_code == 422
    assert '<a href="#consent_recorded">An ATR needs the person&#39;s consent to it.</a>' in page
    assert 'id="dependency_assessed" name="dependency_assessed" type="checkbox" value="y" checked' in page


def test_release_dates_are_changed_and_an_emptied_one_removed(world, signed_in, make_case, today, db):
    person = make_case(world.om, "court", "custody", release_in=30)
    stage = person.pathways[-1].stages[-1]
    new_crd = today + timedelta(days=45)
    form = {"release_source": "NOMIS", **date_parts("crd", new_crd), "sed": ["", "", ""]}

    response = signed_in(world.om).post(f"/stages/{stage.id}/release-dates", form)

    assert response.status_code == 302
    db.session.refresh(stage)
    assert stage.release_date_map() == {"crd": new_crd}
    assert stage.release_on == new_crd


def test_another_establishment_cannot_change_release_dates(world, signed_in, make_case):
    person = make_case(world.om, "court", "custody")
    stage = person.pathways[-1].stages[-1]

    assert signed_in(world.resettlement).get(f"/stages/{stage.id}/release-dates").status_code == 200
    assert signed_in(world.other_resettlement).get(f"/stages/{stage.id}/release-dates").status_code == 404


def test_a_stage_that_ends_an_atr_asks_how_it_ended_and_keeps_it_on_the_atr(
    world, signed_in, make_case, today, db
):
    person = make_case(world.om, "court", "atr")
    atr = person.pathways[-1].stages[-1]
    client = signed_in(world.om)

    page = text(client.get(f"/people/{person.id}/stages/new/closed"))
    assert radio_values(page, "atr_exit_reason") == [
        "completed",
        "revoked_breach",
        "revoked_new_offence",
        "transferred",
        "other",
    ]
    form = {"reason": "sentence_completed", "atr_exit_reason": "completed", **date_parts("start_on", today)}
    response = client.post(f"/people/{person.id}/stages/new/closed", form)

    assert response.status_code == 302
    db.session.refresh(atr)
    assert (atr.end_on, atr.exit_reason) == (today, "completed")
    assert "How the ATR ended: completed" in text(client.get(f"/people/{person.id}"))


def test_a_stage_that_ends_no_atr_does_not_ask(world, signed_in, make_case):
    person = make_case(world.om, "court")

    page = text(signed_in(world.om).get(f"/people/{person.id}/stages/new/closed"))

    assert 'name="atr_exit_reason"' not in page
