"""`flask sms dispatch [--at ISO-8601]`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from tracker.clock import parse_instant
from tracker.sms.dispatch import dispatch
from tracker.sms.gateways import gateway_for

sms_cli = AppGroup("sms", help="Texts to service users.")


@sms_cli.command("dispatch")
@click.option("--at", "at", help="Send what is due at this ISO-8601 instant (default: now).")
def dispatch_command(at: str | None) -> None:
    """Send the texts that are due; print what happened."""
    result = dispatch(parse_instant(at), gateway_for(current_app))
    click.echo(
        f"sent {result.sent}, retrying {result.retrying}, failed {result.failed}, "
        f"not sent {result.skipped}, reconciled {result.reconciled}"
    )


def init_app(app: Flask) -> None:
    """Register the SMS commands, the messages API and Twilio's webhooks."""
    from tracker.extensions import api, csrf
    from tracker.sms import api as messages_api
    from tracker.sms import webhooks

    app.cli.add_command(sms_cli)
    api.register_blueprint(messages_api.bp)
    app.register_blueprint(webhooks.bp)
    csrf.exempt(webhooks.bp)  # Twilio signs its callbacks (X-Twilio-Signature); it cannot send a CSRF token
