"""`flask sms dispatch [--at ISO-8601]`."""

from __future__ import annotations

import click
from flask import current_app
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
