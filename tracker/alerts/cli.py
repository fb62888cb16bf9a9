"""`flask alerts sweep [--at ISO-8601]`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.alerts.sweep import sweep
from tracker.clock import parse_instant

alerts_cli = AppGroup("alerts", help="Alerts at the pathway's checkpoints.")


@alerts_cli.command("sweep")
@click.option("--at", "at", help="Evaluate as of this ISO-8601 instant (default: now).")
def sweep_command(at: str | None) -> None:
    """Evaluate every rule; print how many alerts were raised, moved and resolved."""
    result = sweep(parse_instant(at))
    click.echo(f"raised {result.raised}, moved {result.moved}, resolved {result.resolved}")
