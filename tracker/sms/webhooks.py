"""Twilio's callbacks: delivery status and inbound texts, each signature checked."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from tracker.extensions import db
from tracker.pathway.models import Person
from tracker.sms import replies
from tracker.sms.models import PROGRESS, EarlyStatus, Message, advance
from tracker.sms.templates import render

bp = Blueprint("twilio_webhooks", __name__, url_prefix="/webhooks/twilio")

# Twilio's MessageStatus values mapped onto the outbox's.
TWILIO_STATUS = {
    "accepted": "sending",
    "queued": "sending",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "undelivered": "undelivered",
    "failed": "undelivered",
}


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
    """Move a message on to delivered or undelivered; late and repeated callbacks change nothing."""
    new = TWILIO_STATUS.get(request.form.get("MessageStatus", ""))
    sid, error_code = request.form.get("MessageSid", ""), request.form.get("ErrorCode") or None
    if new is None or not sid:
        return Response(status=204)
    message = db.session.scalar(select(Message).where(Message.gateway_sid == sid))
    if message is not None:
        advance(message, new, error_code)
    else:
        # The dispatcher has not saved this id yet: keep the callback until it does.
        early = db.session.get(EarlyStatus, sid)
        if early is None:
            db.session.add(EarlyStatus(gateway_sid=sid, status=new, error_code=error_code))
        elif PROGRESS[new] > PROGRESS[early.status]:
            early.status, early.error_code = new, error_code
    db.session.commit()
    return Response(status=204)


@bp.post("/inbound")
def inbound() -> Response:
    """A text from a person: STOP/START/HELP/YES/NO or a reply for the offender manager."""
    sender = request.form.get("From", "")
    meaning = replies.handle_inbound(request.form.get("MessageSid", ""), sender, request.form.get("Body", ""))
    db.session.commit()
    reply = MessagingResponse()
    if meaning == "help":
        language = db.session.scalar(select(Person.language).where(Person.mobile == sender).limit(1)) or "en"
        reply.message(render(language, "help", phone=current_app.config["SMS_CONTACT_NUMBER"]))
    return Response(str(reply), mimetype="application/xml")
