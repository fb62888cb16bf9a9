"""/api/v1/people/{id}/messages: the texts a person was sent or will be sent."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from tracker import audit
from tracker.auth.tokens import authenticate_bearer, current_staff
from tracker.clock import local_today
from tracker.extensions import db
from tracker.paging import page_of, paginated
from tracker.pathway.access import person_or_404
from tracker.sms.models import Message

bp = Blueprint("messages", __name__, url_prefix="/api/v1", description="Texts to service users.")
bp.before_request(authenticate_bearer)


class MessageOut(Schema):
    id = fields.Integer()
    purpose = fields.String()
    subject_type = fields.String()
    subject_id = fields.Integer()
    due_at = fields.AwareDateTime()
    status = fields.String()
    to = fields.String(allow_none=True)
    body = fields.String(allow_none=True)
    attempts = fields.Integer()
    sent_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)
    gateway_sid = fields.String(allow_none=True)
    error_code = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


@bp.get("/people/<int:person_id>/messages")
@bp.response(200, MessageOut(many=True))
@paginated(bp)
def list_messages(pagination_parameters, person_id):
    """The person's texts, by due time."""
    staff = current_staff()
    person = person_or_404(staff, person_id, today=local_today())
    rows = page_of(
        select(Message).where(Message.person_id == person.id).order_by(Message.due_at, Message.id),
        pagination_parameters,
    )
    audit.record(staff.id, "view", subject_type="sms_messages", person_id=person.id)
    db.session.commit()
    return rows
