"""Texts to service users: reminders through an outbox, sent exactly once, privately, with consent."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire sms in: texts that follow the pathway, the messages API, Twilio's webhooks, `flask sms`."""
    # Imported here: importing sms.policy (pure) must not load the blueprints and the commands.
    from tracker import extensions
    from tracker.pathway import events
    from tracker.sms import api, cli, feedback, outbox, webhooks

    # Texts follow releases and appointments in the transaction that changed them. Signals are
    # process-wide and keep one connection per receiver, so a second app connects nothing new.
    for change in events.RELEASE_CHANGES:
        change.connect(outbox.release_changed)
    events.release_dates_changed_together.connect(outbox.releases_changed)
    for change in events.APPOINTMENT_CHANGES:
        change.connect(feedback.appointment_changed)
    extensions.api.register_blueprint(api.bp)
    app.register_blueprint(webhooks.bp)
    # Twilio signs its callbacks (X-Twilio-Signature); it cannot send a CSRF token.
    extensions.csrf.exempt(webhooks.bp)
    app.cli.add_command(cli.sms_cli)
