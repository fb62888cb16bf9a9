"""The caseload: what is next for each person, sorted, filtered and searched, in constant queries."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.web.helpers import text
from tracker.types import utcnow


def names_in_order(page: str) -> list[str]:
    return re.findall(r'href="/people/\d+">([^<]+)</a>', page)


def test_my_caseload_shows_stage_next_key_date_alerts_and_handover(world, signed_in, make_case, today):
    make_case(world.om, "court", "custody", release_in=20, given_name="Alex", family_name="Able")
    make_case(world.om2, "court", given_name="Other", family_name="Managers")

    page = text(signed_in(world.om).get("/caseload"))

    assert names_in_order(page) == ["Alex Able"]
    assert "Custody" in page
    day = today + timedelta(days=20)
    assert f"{day.day} {day:%B %Y}" in page and "Planned release date" in page
    assert "govuk-tag--orange" in page  # amber: within 28 days with the checklist open


def test_the_team_view_shows_my_colleagues_people_too(world, signed_in, make_case):
    make_case(world.om, "court", given_name="Mine")
    make_case(world.om2, "court", given_name="Theirs")
    make_case(world.other_om, "court", given_name="Cardiff")

    page = text(signed_in(world.om).get("/caseload?view=team"))

    assert sorted(n.split()[0] for n in names_in_order(page)) == ["Mine", "Theirs"]


def test_it_sorts_by_next_key_date_with_no_date_last(world, signed_in, make_case):
    make_case(world.om, "court", "custody", release_in=60, given_name="Later")
    make_case(world.om, "court", given_name="Undated")
    make_case(world.om, "court", "custody", release_in=10, given_name="Sooner")

    page = text(signed_in(world.om).get("/caseload?sort=next_date"))

    assert [n.split()[0] for n in names_in_order(page)] == ["Sooner", "Later", "Undated"]


def test_it_sorts_by_name(world, signed_in, make_case):
    make_case(world.om, "court", given_name="Zed", family_name="Young")
    make_case(world.om, "court", given_name="Amy", family_name="Adams")

    page = text(signed_in(world.om).get("/caseload?sort=name"))

    assert names_in_order(page) == ["Amy Adams", "Zed Young"]


def test_it_filters_by_current_stage(world, signed_in, make_case):
    make_case(world.om, "court", given_name="InCourt")
    make_case(world.om, "court", "custody", given_name="InCustody")

    page = text(signed_in(world.om).get("/caseload?stage=custody"))

    assert [n.split()[0] for n in names_in_order(page)] == ["InCustody"]


def test_it_searches_by_name_and_by_crn(world, signed_in, make_case):
    wanted = make_case(world.om, "court", given_name="Bethan", family_name="Hughes")
    make_case(world.om, "court", given_name="Callum", family_name="Shaw")
    client = signed_in(world.om)

    assert names_in_order(text(client.get("/caseload?q=bethan"))) == ["Bethan Hughes"]
    assert names_in_order(text(client.get(f"/caseload?q={wanted.crn.lower()}"))) == ["Bethan Hughes"]
    assert "No one matches" in text(client.get("/caseload?q=%25"))


def test_a_treatment_service_sees_only_the_people_referred_to_it(world, signed_in, make_case, db):
    from tracker.pathway import care

    referred = make_case(world.om, "court", given_name="Referred")
    make_case(world.om, "court", given_name="NotReferred")
    care.make_referral(
        referred,
        {"to_team_id": world.treatment_team.id, "reason": "AUDIT zone IV"},
        by=world.om,
        now=utcnow(),
    )
    db.session.commit()

    page = text(signed_in(world.treatment).get("/caseload"))

    assert "People referred to your service" in page
    assert [n.split()[0] for n in names_in_order(page)] == ["Referred"]


def test_open_alerts_are_counted(world, signed_in, make_case, db, today):
    from tracker.alerts.models import Alert

    person = make_case(world.om, "court", given_name="Alerted")
    for n, status in enumerate(("open", "acknowledged", "resolved")):
        db.session.add(
            Alert(
                rule=f"rule_{n}",
                subject_type="people",
                subject_id=person.id,
                checkpoint_on=today,
                person_id=person.id,
                staff_id=world.om.id,
                severity="warning",
                message="m",
                status=status,
            )
        )
    db.session.commit()

    page = text(signed_in(world.om).get("/caseload"))

    assert re.search(r'govuk-table__cell--numeric">2</td>', page)


def test_the_caseload_costs_the_same_queries_for_3_people_as_for_30(
    world, signed_in, make_case, count_queries, db
):
    from tracker.alerts.models import Alert

    client = signed_in(world.om)

    def people(n: int) -> int:
        for _ in range(n):
            person = make_case(world.om, "court", "custody")
            db.session.add(
                Alert(
                    rule="r",
                    subject_type="people",
                    subject_id=person.id,
                    checkpoint_on=person.created_at.date(),
                    person_id=person.id,
                    severity="info",
                    message="m",
                )
            )
        db.session.commit()
        with count_queries() as counted:
            assert client.get("/caseload").status_code == 200
        return len(counted)

    few = people(3)
    many = people(27)

    assert few == many, (few, many)
