"""The handover board: releases by week, the checklist, the print view, and its scope."""

from __future__ import annotations

import re

from tests.web.helpers import text
from tracker.types import utcnow


def test_the_board_groups_the_next_12_weeks_by_week(world, signed_in, make_case, today):
    make_case(world.om, "court", "custody", release_in=3, given_name="Soon")
    make_case(world.om, "court", "custody", release_in=40, given_name="Later")
    make_case(world.om, "court", "custody", release_in=100, given_name="TooFar")

    page = text(signed_in(world.resettlement).get("/board"))

    weeks = re.findall(r"Week beginning ([^<]+)</h2>", page)
    assert len(weeks) == 2
    assert page.index("Soon") < page.index("Later") and "TooFar" not in page
    assert "0 of 9 done" in page and "in 3 days" in page
    assert "No accommodation confirmed for the first night." in page
    assert "govuk-tag--red" in page  # essentials outstanding within 7 days


def test_another_establishment_sees_none_of_them(world, signed_in, make_case):
    make_case(world.om, "court", "custody", given_name="Bristol")

    page = text(signed_in(world.other_resettlement).get("/board"))

    assert "Bristol Jones" not in page and "No releases from your establishment" in page


def test_ticking_the_checklist_goes_through_the_service(world, signed_in, make_case, db):
    from tracker.pathway.models import Handover

    person = make_case(world.om, "court", "custody", release_in=20)
    handover = db.session.query(Handover).filter_by(person_id=person.id, kind="release").one()
    statuses = {item.item: "not_started" for item in handover.items} | {
        "accommodation": "done",
        "gp_registration": "not_needed",
    }

    response = signed_in(world.resettlement).post(f"/handovers/{handover.id}", statuses)

    assert response.status_code == 302
    db.session.refresh(handover)
    assert handover.statuses()["accommodation"] == "done"
    accommodation = next(i for i in handover.items if i.item == "accommodation")
    assert accommodation.updated_by_id == world.resettlement.id
    assert "2 of 9 done" in text(signed_in(world.resettlement).get("/board"))


def test_another_establishment_cannot_tick_it(world, signed_in, make_case, db):
    from tracker.pathway.models import Handover

    person = make_case(world.om, "court", "custody", release_in=20)
    handover = db.session.query(Handover).filter_by(person_id=person.id, kind="release").one()

    assert signed_in(world.other_resettlement).get(f"/handovers/{handover.id}").status_code == 404


def test_a_treatment_service_reads_the_checklist_without_ticking_it(world, signed_in, make_case, db):
    from tracker.pathway import care
    from tracker.pathway.models import Handover

    person = make_case(world.om, "court", "custody", release_in=20)
    care.make_referral(
        person, {"to_team_id": world.treatment_team.id, "reason": "r"}, by=world.om, now=utcnow()
    )
    db.session.commit()
    handover = db.session.query(Handover).filter_by(person_id=person.id, kind="release").one()

    page = text(signed_in(world.treatment).get(f"/handovers/{handover.id}"))

    assert "Accommodation for the first night" in page and 'type="radio"' not in page


def test_each_checklist_question_has_its_legend(world, signed_in, make_case, db):
    from tracker.pathway.models import Handover

    person = make_case(world.om, "court", "custody", release_in=20)
    handover = db.session.query(Handover).filter_by(person_id=person.id, kind="release").one()

    page = text(signed_in(world.resettlement).get(f"/handovers/{handover.id}"))

    legends = re.findall(
        r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">([^<]+)</legend>', page
    )
    assert [legend.strip() for legend in legends][:2] == [
        "Accommodation for the first night",
        "Community treatment referral",
    ]
    assert len(legends) == 9


def test_the_print_view_lists_what_is_outstanding_without_navigation(world, signed_in, make_case):
    make_case(world.om, "court", "custody", release_in=10, given_name="Printed")

    page = text(signed_in(world.resettlement).get("/board/print"))

    assert "Pre-release meeting: HMP Bristol" in page and "Printed Jones" in page
    assert "Travel on release day" in page
    assert "app-no-print" in page  # navigation and buttons are hidden on paper


def test_the_board_costs_the_same_queries_for_3_releases_as_for_30(
    world, signed_in, make_case, count_queries
):
    client = signed_in(world.resettlement)

    def releases(n: int) -> int:
        for i in range(n):
            make_case(world.om, "court", "custody", release_in=5 + i)
        with count_queries() as counted:
            assert client.get("/board").status_code == 200
        return len(counted)

    assert releases(3) == releases(27)


def test_an_offender_manager_cannot_open_the_board(world, signed_in):
    assert signed_in(world.om).get("/board").status_code == 403
