"""Texts to service users: reminders through an outbox, sent exactly once, privately, with consent."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire sms in: the messages API, Twilio's webhooks and `flask sms dispatch`."""
    # Imported here: importing sms.policy (pure) must not load the blueprints and the commands.
    from tracker import extensions
    from tracker.sms import api, cli, webhooks

    extensions.api.register_blueprint(api.bp)
    app.register_blueprint(webhooks.bp)
    # Twilio signs its callbacks (X-Twilio-Signature); it cannot send a CSRF token.
    extensions.csrf.exempt(webhooks.bp)
    app.cli.add_command(cli.sms_cli)
