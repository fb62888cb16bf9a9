"""The alerts inbox: mine and my team's, most urgent first; acknowledge and resolve."""

from __future__ import annotations

from tests.web.helpers import text


def alert(db, person, today, **fields):
    from tracker.alerts.models import Alert

    row = Alert(
        rule=fields.pop("rule", "pre_release_planning"),
        subject_type="handovers",
        subject_id=person.id,
        checkpoint_on=today,
        person_id=person.id,
        severity=fields.pop("severity", "info"),
        message=fields.pop("message", "Pre-release planning opens"),
        status="open",
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_the_inbox_shows_mine_and_my_teams_most_urgent_first(world, signed_in, make_case, db, today):
    person = make_case(world.om, "court", "custody")
    alert(db, person, today, staff_id=world.om.id, severity="info", message="Info for me", rule="a")
    alert(db, person, today, staff_id=world.om.id, severity="urgent", message="Urgent for me", rule="b")
    alert(db, person, today, team_id=world.probation.id, severity="warning", message="For the team", rule="c")
    alert(db, person, today, team_id=world.other_probation.id, message="Not ours", rule="d")

    page = text(signed_in(world.om).get("/alerts"))

    assert page.index("Urgent for me") < page.index("Info for me") < page.index("For the team")
    assert "Addressed to you (2)" in page and "For your team (1)" in page and "Not ours" not in page


def test_acknowledging_an_alert(world, signed_in, make_case, db, today):
    person = make_case(world.om, "court")
    row = alert(db, person, today, staff_id=world.om.id)

    response = signed_in(world.om).post(f"/alerts/{row.id}/acknowledge", form_url="/alerts")

    assert response.status_code == 302
    db.session.refresh(row)
    assert (row.status, row.acknowledged_by_id) == ("acknowledged", world.om.id)


def test_resolving_needs_a_note(world, signed_in, make_case, db, today):
    person = make_case(world.om, "court")
    row = alert(db, person, today, staff_id=world.om.id)
    client = signed_in(world.om)

    empty = client.post(f"/alerts/{row.id}/resolve", {"note": ""})
    assert empty.status_code == 422 and '<a href="#note">Enter what was done</a>' in text(empty)

    done = client.post(f"/alerts/{row.id}/resolve", {"note": "Bed booked at the hostel"})
    assert done.status_code == 302
    db.session.refresh(row)
    assert (row.status, row.resolution) == ("resolved", "Bed booked at the hostel")
    assert "Bed booked" not in text(client.get("/alerts"))


def test_someone_elses_alert_is_a_404(world, signed_in, make_case, db, today):
    person = make_case(world.other_om, "court")
    row = alert(db, person, today, staff_id=world.other_om.id)

    assert signed_in(world.om).get(f"/alerts/{row.id}/resolve").status_code == 404


def test_the_inbox_costs_the_same_queries_for_3_alerts_as_for_30(
    world, signed_in, make_case, db, today, count_queries
):
    client = signed_in(world.om)

    def alerts(n: int) -> int:
        for _ in range(n):
            alert(db, make_case(world.om, "court"), today, staff_id=world.om.id)
        with count_queries() as counted:
            assert client.get("/alerts").status_code == 200
        return len(counted)

    assert alerts(3) == alerts(27)
