"""Alerts at every checkpoint of the pathway, raised by a sweep over state."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire alerts in: /api/v1/alerts and `flask alerts sweep`."""
    # Imported here: importing alerts.rules (pure) must not load the blueprint and the commands.
    from tracker import extensions
    from tracker.alerts import api, changes, cli, service
    from tracker.pathway import events

    # Open alerts follow a person to their new offender manager, in the transaction of the transfer.
    events.caseload_transferred.connect(service.follow_transfer)
    # Changed people are queued for the sweep in the transaction of each change.
    changes.init_app()
    extensions.api.register_blueprint(api.bp)
    app.cli.add_command(cli.alerts_cli)
