"""/api/v1/alerts: each caller's inbox, acknowledge and resolve, scoped to their caseload and team."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.alerts.models import Alert
from tracker.audit import AuditEntry


@pytest.fixture
def make_alert(db):
    """make_alert(team=None, staff=None, **fields): an open alert to a team and/or a staff member."""
    counter = iter(range(1, 10_000))

    def make(team=None, staff=None, **fields) -> Alert:
        alert = Alert(
            **{
                "rule": "first_appointment_missing",
                "subject_type": "handovers",
                "subject_id": next(counter),
                "checkpoint_on": date(2026, 9, 9),
                "team_id": team.id if team else None,
                "staff_id": staff.id if staff else None,
                "severity": "urgent",
                "message": "No appointment booked.",
                "status": "open",
            }
            | fields
        )
        db.session.add(alert)
        db.session.commit()
        return alert

    return make


@pytest.fixture
def inbox(make_staff, make_team, make_alert):
    """Two offender managers in one team, one in another, a prison, and alerts addressed to each."""

    class Inbox:
        probation = make_team("Bristol Probation", "probation")
        other_probation = make_team("Bath Probation", "probation")
        prison = make_team("HMP Bristol", "prison", "BCI")
        om = make_staff("offender_manager", team=probation)
        colleague = make_staff("offender_manager", team=probation)
        stranger = make_staff("offender_manager", team=other_probation)
        resettlement = make_staff("resettlement", team=prison)
        to_om_at_prison = make_alert(team=prison, staff=om)
        to_team = make_alert(team=probation, rule="released", severity="info")
        to_stranger = make_alert(team=other_probation, staff=stranger)
        to_prison = make_alert(team=prison, rule="pre_release_planning", severity="info")

    return Inbox


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json
    return {a["id"] for a in response.json}


def test_an_offender_manager_sees_alerts_addressed_to_them_or_their_team(inbox, api_as):
    assert ids(api_as(inbox.om).get("/alerts?status=open")) == {inbox.to_om_at_prison.id, inbox.to_team.id}
    assert ids(api_as(inbox.colleague).get("/alerts")) == {inbox.to_team.id}
    assert ids(api_as(inbox.stranger).get("/alerts?status=open")) == {inbox.to_stranger.id}
    assert ids(api_as(inbox.resettlement).get("/alerts")) == {inbox.to_om_at_prison.id, inbox.to_prison.id}


def test_another_teams_user_sees_none_of_them(inbox, make_staff, api_as):
    assert ids(api_as(make_staff("treatment")).get("/alerts?status=open")) == set()
    assert ids(api_as(make_staff("offender_manager")).get("/alerts?status=open")) == set()


@pytest.mark.parametrize("role", ["commissioner", "admin"])
def test_commissioners_and_admins_see_no_alerts(inbox, make_staff, api_as, role):
    api = api_as(make_staff(role, team=inbox.probation))
    assert api.get("/alerts?status=open").status_code == 403
    assert api.post(f"/alerts/{inbox.to_team.id}/acknowledge").status_code == 403


def test_the_inbox_lists_the_most_urgent_first(inbox, api_as):
    listed = api_as(inbox.om).get("/alerts").json
    assert [a["severity"] for a in listed] == ["urgent", "info"]
    assert (listed[0]["rule"], listed[0]["message"]) == (
        "first_appointment_missing",
        "No appointment booked.",
    )


def test_an_unknown_status_is_refused(inbox, api_as):
    response = api_as(inbox.om).get("/alerts?status=closed")
    assert response.status_code == 422 and "status" in response.json["errors"]


def test_acknowledge_once_then_409(inbox, api_as):
    api = api_as(inbox.om)
    first = api.post(f"/alerts/{inbox.to_team.id}/acknowledge")
    assert first.status_code == 200, first.json
    assert first.json["status"] == "acknowledged"
    assert first.json["acknowledged_by_id"] == inbox.om.id and first.json["acknowledged_at"]
    assert ids(api.get("/alerts?status=acknowledged")) == {inbox.to_team.id}
    assert inbox.to_team.id not in ids(api.get("/alerts?status=open"))

    again = api_as(inbox.colleague).post(f"/alerts/{inbox.to_team.id}/acknowledge")
    assert again.status_code == 409
    assert "acknowledged" in again.json["message"]


def test_resolve_needs_a_note(inbox, api_as):
    api = api_as(inbox.om)
    assert api.post(f"/alerts/{inbox.to_om_at_prison.id}/resolve", {}).status_code == 422
    blank = api.post(f"/alerts/{inbox.to_om_at_prison.id}/resolve", {"note": ""})
    assert blank.status_code == 422 and "note" in blank.json["errors"]

    done = api.post(f"/alerts/{inbox.to_om_at_prison.id}/resolve", {"note": "Booked for the 12th."})

    assert done.status_code == 200, done.json
    assert (done.json["status"], done.json["resolution"], done.json["resolved_by_id"]) == (
        "resolved",
        "Booked for the 12th.",
        inbox.om.id,
    )
    assert inbox.to_om_at_prison.id not in ids(api.get("/alerts?status=open"))
    assert ids(api.get("/alerts?status=resolved")) == {inbox.to_om_at_prison.id}
    assert api.post(f"/alerts/{inbox.to_om_at_prison.id}/resolve", {"note": "Again"}).status_code == 409
    assert api.post(f"/alerts/{inbox.to_om_at_prison.id}/acknowledge").status_code == 409


def test_an_acknowledged_alert_can_be_resolved(inbox, api_as):
    api = api_as(inbox.om)
    api.post(f"/alerts/{inbox.to_team.id}/acknowledge")
    resolved = api.post(f"/alerts/{inbox.to_team.id}/resolve", {"note": "Seen at supervision."})
    assert resolved.json["status"] == "resolved"


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_another_teams_alert_is_not_found_and_the_attempt_is_logged(inbox, api_as, db, action):
    api = api_as(inbox.om)
    response = api.post(f"/alerts/{inbox.to_stranger.id}/{action}", {"note": "Not mine"})
    assert response.status_code == 404
    assert api.post(f"/alerts/999999/{action}", {"note": "Nobody's"}).status_code == 404
    assert ids(api_as(inbox.stranger).get("/alerts?status=open")) == {inbox.to_stranger.id}
    denied = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")).all()
    assert [(e.actor_id, e.subject_type, e.subject_id) for e in denied] == [
        (inbox.om.id, "alerts", inbox.to_stranger.id),
        (inbox.om.id, "alerts", 999999),
    ]


def test_the_inbox_needs_a_token(client, inbox):
    assert client.get("/api/v1/alerts").status_code == 401
