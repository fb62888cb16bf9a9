"""Twilio's callbacks: delivery status and inbound texts, each signature checked."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from tracker.extensions import db
from tracker.pathway.models import Person
from tracker.sms import delivery, replies
from tracker.sms.templates import render
from tracker.types import utcnow

bp = Blueprint("twilio_webhooks", __name__, url_prefix="/webhooks/twilio")


@bp.before_request
def check_signature() -> None:
    """Answer 403 unless X-Twilio-Signature signs this URL and form with our auth token."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + request.full_path.rstrip("?")
    if not token or not signature or not RequestValidator(token).validate(url, request.form, signature):
        abort(403, description="Missing or wrong X-Twilio-Signature.")


@bp.post("/status")
def status() -> Response:
    """Keep the callback and move its message on; late and repeated callbacks change nothing."""
    form = request.form
    delivery.record_status(
        form.get("MessageSid", ""), form.get("MessageStatus", ""), form.get("ErrorCode") or None, utcnow()
    )
    db.session.commit()
    return Response(status=204)


@bp.post("/inbound")
def inbound() -> Response:
    """A text from a person: STOP/START/HELP/YES/NO or a reply for the offender manager."""
    sender = request.form.get("From", "")
    form = request.form
    meaning = replies.handle_inbound(form.get("MessageSid", ""), sender, form.get("Body", ""), utcnow())
    db.session.commit()
    reply = MessagingResponse()
    if meaning == "help":
        language = db.session.scalar(select(Person.language).where(Person.mobile == sender).limit(1)) or "en"
        reply.message(render(language, "help", phone=current_app.config["SMS_CONTACT_NUMBER"]))
    return Response(str(reply), mimetype="application/xml")
