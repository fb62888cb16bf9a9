"""`flask reports export NAME --period P --by B`: a report as CSV on standard output, as a commissioner."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tracker.clock import local_today
from tracker.errors import Invalid
from tracker.extensions import db
from tracker.reports import registry
from tracker.reports.scope import COMMISSIONER

reports_cli = AppGroup("reports", help="Aggregate reports, suppressed as on the pages and the API.")


@reports_cli.command("export")
@click.argument("name")
@click.option("--period", help="A financial year (2025-26) or a quarter (2025-26-Q1); default this year.")
@click.option("--by", help="The breakdown; default the report's first.")
def export_command(name: str, period: str | None, by: str | None) -> None:
    """Write the report as CSV to standard output; the export is audited."""
    try:
        result = registry.run(name, period, by, COMMISSIONER, local_today())
    except Invalid as error:
        raise click.UsageError(error.message) from None
    registry.record_view(None, result, "cli")
    db.session.commit()
    click.echo(registry.to_csv(result), nl=False)
