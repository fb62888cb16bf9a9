"""`flask alerts sweep --at`: a sweep run for an instant stamps what it writes with that instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from tracker.alerts.models import Alert, SweepMark
from tracker.pathway import service

# A past day: an alert stamped from the wall clock instead could never pass for it.
SWEPT_ON = date(2026, 3, 4)
AT = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def test_sweep_at_a_past_instant_raises_its_alerts_at_that_instant(app, db, make_staff, make_team):
    om, prison = make_staff("offender_manager"), make_team("HMP Bristol", "prison", "BCI")
    person = service.create_person(
        {"given_name": "Sam", "family_name": "Jones", "alcohol_need": True}, by=om, now=AT - timedelta(days=2)
    )
    start_on = SWEPT_ON - timedelta(days=1)
    service.add_stage(
        person,
        {
            "kind": "custody",
            "start_on": start_on,
            "basis": "sentenced",
            "establishment_team_id": prison.id,
            "sentence_start_on": start_on,
            # P-84 falls on the day swept: pre-release planning opens then.
            "release_dates": {"source": "test", "crd": SWEPT_ON + timedelta(days=84)},
        },
        by=om,
        now=AT - timedelta(days=1),
    )
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["alerts", "sweep", "--at", AT.isoformat()])

    assert result.exit_code == 0, result.output
    raised = db.session.execute(select(Alert.rule, Alert.raised_at)).all()
    assert "pre_release_planning" in {rule for rule, _ in raised}
    assert {at for _, at in raised} == {AT}
    assert db.session.scalar(select(SweepMark.swept_to)) == AT
