"""Aggregate reports for commissioners: never a person, small counts suppressed.

Wiring only: /api/v1/reports and `flask reports export`. The reports themselves, and how to add one,
are in tracker/reports/registry.py.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire reports in: /api/v1/reports/<name> and `flask reports export`."""
    from tracker import extensions
    from tracker.reports import api, cli, episodes, indexes

    indexes.declare()
    episodes.listen()
    extensions.api.register_blueprint(api.bp)
    app.cli.add_command(cli.reports_cli)
