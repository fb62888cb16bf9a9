"""The alerts inbox: my open alerts and my team's, most urgent first; acknowledge and resolve."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from sqlalchemy import select
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from tracker import audit
from tracker.alerts import service as alert_actions
from tracker.alerts.inbox import URGENCY, alerts_for
from tracker.alerts.models import Alert
from tracker.clock import local_today
from tracker.errors import Unseen
from tracker.extensions import db
from tracker.pathway.models import Person
from tracker.types import utcnow
from tracker.web import formkit
from tracker.web.audited import shown
from tracker.web.blueprint import roles, staff
from tracker.web.routes import Routes

routes = Routes()


INBOX_LIMIT = 1000
ALERT_ROLES = ("offender_manager", "resettlement", "treatment")


class ResolveForm(FlaskForm):
    """What was done about an alert."""

    note = TextAreaField(
        "What was done?",
        widget=GovTextArea(),
        description="For example, accommodation confirmed with the council on 3 March",
        validators=[InputRequired("Enter what was done"), Length(max=2000)],
    )


@routes.get("/alerts")
@roles(*ALERT_ROLES)
def alerts() -> ResponseReturnValue:
    """Open and acknowledged alerts addressed to me or my team, most urgent first."""
    me, now = staff(), utcnow()
    rows = db.session.scalars(
        select(Alert)
        .where(alerts_for(me, local_today(now)), Alert.status.in_(("open", "acknowledged")))
        .order_by(URGENCY, Alert.checkpoint_on, Alert.id)
        .limit(INBOX_LIMIT)
    ).all()
    ids = {a.person_id for a in rows if a.person_id}
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    mine = [a for a in rows if a.staff_id == me.id]
    team = [a for a in rows if a.staff_id != me.id]
    audit.record_views(me.id, sorted(ids), via="alerts")
    db.session.commit()
    return render_template("alerts.html", title="Alerts", mine=mine, team=team, people=people)


def _alert_or_404(alert_id: int, now: datetime) -> Alert:
    me = staff()
    alert = db.session.scalar(select(Alert).where(Alert.id == alert_id, alerts_for(me, local_today(now))))
    if alert is None:
        # Logged whether the alert is missing or someone else's; both answer the same.
        raise Unseen("No such alert, or it is not addressed to you or your team.", me.id, "alerts", alert_id)
    return alert


@routes.post("/alerts/<int:alert_id>/acknowledge")
@roles(*ALERT_ROLES)
def acknowledge_alert(alert_id: int) -> ResponseReturnValue:
    """Acknowledge an alert from the inbox."""
    now = utcnow()
    alert = _alert_or_404(alert_id, now)
    form = FlaskForm()
    if form.validate_on_submit() and formkit.attempt(
        form, lambda: alert_actions.acknowledge(alert, staff(), now)
    ):
        flash("Alert acknowledged.", "success")
    else:
        flash(
            " ".join(m["text"] for m in formkit.error_list(form)) or "That alert could not be acknowledged.",
            "info",
        )
    return redirect(url_for("web.alerts"))


@routes.route("/alerts/<int:alert_id>/resolve", methods=["GET", "POST"])
@roles(*ALERT_ROLES)
def resolve_alert(alert_id: int) -> ResponseReturnValue:
    """Resolve an alert, saying what was done."""
    now = utcnow()
    alert = _alert_or_404(alert_id, now)
    form = ResolveForm()
    if form.validate_on_submit() and formkit.attempt(
        form, lambda: alert_actions.resolve(alert, form.note.data, staff(), now)
    ):
        flash("Alert resolved.", "success")
        return redirect(url_for("web.alerts"))
    shown(staff(), alert.person_id, alert)
    return render_template(
        "form_page.html",
        title="Resolve the alert",
        form=form,
        submit_text="Resolve the alert",
        intro=alert.message,
        back_href=url_for("web.alerts"),
    ), formkit.status(form)
