"""Scope follows the person (issue 10, item 5): alerts go where the person goes, to who can see them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.alerts.models import Alert


@pytest.fixture
def transfer(make_staff, make_team, make_person, db):
    """A person on one offender manager's caseload with open alerts to them, to their team and to a prison."""

    class Transfer:
        old_team = make_team("Bristol Probation", "probation")
        new_team = make_team("Bath Probation", "probation")
        prison = make_team("HMP Bristol", "prison", "BCI")
        old_om = make_staff("offender_manager", team=old_team)
        new_om = make_staff("offender_manager", team=new_team)
        person = make_person(old_om)["id"]

    def alert(n: int, **fields) -> Alert:
        row = Alert(
            rule="sms_reply",
            subject_type="people",
            subject_id=n,
            checkpoint_on=date(2026, 9, 9),
            person_id=Transfer.person,
            severity="warning",
            message="Text reply: hello",
            **{"status": "open"} | fields,
        )
        db.session.add(row)
        return row

    Transfer.to_om = alert(1, staff_id=Transfer.old_om.id, team_id=Transfer.old_team.id)
    Transfer.to_prison = alert(2, team_id=Transfer.prison.id)
    Transfer.resolved = alert(3, staff_id=Transfer.old_om.id, team_id=Transfer.old_team.id, status="resolved")
    db.session.commit()
    return Transfer


def listed(api) -> set[int]:
    response = api.get("/alerts")
    assert response.status_code == 200, response.json
    return {a["id"] for a in response.json}


def move(api_as, t):
    response = api_as(t.old_om).patch(f"/people/{t.person}", {"offender_manager_id": t.new_om.id})
    assert response.status_code == 200, response.json


def test_open_alerts_move_with_a_caseload_transfer(transfer, api_as, db):
    t = transfer
    move(api_as, t)

    db.session.expire_all()
    assert (t.to_om.staff_id, t.to_om.team_id) == (t.new_om.id, t.new_team.id)
    assert (t.to_prison.staff_id, t.to_prison.team_id) == (None, t.prison.id)
    assert (t.resolved.staff_id, t.resolved.team_id) == (t.old_om.id, t.old_team.id)


def test_after_a_transfer_the_new_manager_lists_and_resolves_the_alert_and_the_old_one_cannot(
    transfer, api_as
):
    t = transfer
    move(api_as, t)
    old, new = api_as(t.old_om), api_as(t.new_om)

    assert t.to_om.id not in listed(old)
    assert t.to_om.id in listed(new)
    assert old.post(f"/alerts/{t.to_om.id}/acknowledge").status_code == 404
    assert old.post(f"/alerts/{t.to_om.id}/resolve", {"note": "Done"}).status_code == 404
    assert new.post(f"/alerts/{t.to_om.id}/resolve", {"note": "Done"}).status_code == 200


def test_an_alert_about_a_person_the_caller_cannot_see_is_not_theirs(transfer, make_staff, api_as):
    t = transfer
    resettlement = api_as(make_staff("resettlement", team=t.prison))  # the person is not held there

    assert t.to_prison.id not in listed(resettlement)
    assert resettlement.post(f"/alerts/{t.to_prison.id}/acknowledge").status_code == 404


def test_an_offender_manager_cannot_create_a_person_on_another_teams_caseload(transfer, api_as, db):
    t = transfer
    from tests.conftest import PERSON

    response = api_as(t.old_om).post("/people", PERSON | {"offender_manager_id": t.new_om.id})

    assert response.status_code == 422, response.json
    assert "offender_manager_id" in str(response.json)
    assert db.session.scalar(select(Alert.id).where(Alert.person_id != t.person)) is None


def test_an_offender_manager_may_create_a_person_for_a_team_colleague(transfer, make_staff, api_as):
    t = transfer
    from tests.conftest import PERSON

    colleague = make_staff("offender_manager", team=t.old_team)
    response = api_as(t.old_om).post("/people", PERSON | {"offender_manager_id": colleague.id})

    assert response.status_code == 201, response.json
