"""/api/v1/alerts: the caller's inbox, acknowledge and resolve."""

from __future__ import annotations

from datetime import datetime

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from tracker import audit
from tracker.alerts import service
from tracker.alerts.inbox import URGENCY, alerts_for
from tracker.alerts.models import STATUSES, Alert
from tracker.auth.tokens import authenticate_bearer, current_staff
from tracker.clock import local_today
from tracker.errors import Unseen
from tracker.extensions import db
from tracker.inputs import InputSchema
from tracker.paging import page_of, paginated
from tracker.types import utcnow

bp = Blueprint("alerts", __name__, url_prefix="/api/v1", description="Alerts for the caller and their team.")
bp.before_request(authenticate_bearer)


class AlertQuery(InputSchema):
    status = fields.String(load_default="open", validate=validate.OneOf(STATUSES))


class ResolveIn(InputSchema):
    note = fields.String(required=True, validate=validate.Length(1, 2000), metadata={"free_text": True})


class AlertOut(Schema):
    id = fields.Integer()
    rule = fields.String()
    subject_type = fields.String()
    subject_id = fields.Integer()
    checkpoint_on = fields.Date()
    person_id = fields.Integer(allow_none=True)
    team_id = fields.Integer(allow_none=True)
    staff_id = fields.Integer(allow_none=True)
    severity = fields.String()
    message = fields.String()
    status = fields.String()
    raised_at = fields.AwareDateTime()
    acknowledged_at = fields.AwareDateTime(allow_none=True)
    acknowledged_by_id = fields.Integer(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    resolved_by_id = fields.Integer(allow_none=True)
    resolution = fields.String(allow_none=True)


@bp.get("/alerts")
@bp.arguments(AlertQuery, location="query", as_kwargs=True)
@bp.response(200, AlertOut(many=True))
@paginated(bp)
def list_alerts(pagination_parameters, status):
    """The caller's alerts and their team's, most urgent first."""
    staff = current_staff()
    rows = page_of(
        select(Alert)
        .where(alerts_for(staff, local_today()), Alert.status == status)
        .order_by(URGENCY, Alert.checkpoint_on, Alert.id),
        pagination_parameters,
    )
    audit.record_views(staff.id, sorted({a.person_id for a in rows if a.person_id}), via="alerts")
    db.session.commit()
    return rows


NO_SUCH_ALERT = "No such alert, or it is not addressed to you or your team."


def _alert_or_404(alert_id: int, now: datetime) -> Alert:
    staff = current_staff()
    alert = db.session.scalar(select(Alert).where(Alert.id == alert_id, alerts_for(staff, local_today(now))))
    if alert is None:
        # The attempt is logged whether the alert is missing or someone else's; both answer the same.
        raise Unseen(
            "No such alert, or it is not addressed to you or your team.", staff.id, "alerts", alert_id
        )
    return alert


@bp.post("/alerts/<int:alert_id>/acknowledge")
@bp.response(200, AlertOut)
def acknowledge(alert_id):
    """Say you have seen an alert and are acting on it."""
    now = utcnow()
    alert = service.acknowledge(_alert_or_404(alert_id, now), by=current_staff(), now=now)
    db.session.commit()
    return alert


@bp.post("/alerts/<int:alert_id>/resolve")
@bp.arguments(ResolveIn)
@bp.response(200, AlertOut)
def resolve(data, alert_id):
    """Close an alert, saying what was done."""
    now = utcnow()
    alert = service.resolve(_alert_or_404(alert_id, now), data["note"], by=current_staff(), now=now)
    db.session.commit()
    return alert
