"""The criminal justice pathway: people, stages, appointments, referrals, screenings."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the pathway in: the people, care and handover APIs, `flask demo` and `flask import`."""
    # Imported here: importing a pathway module (the pure rules above all) must not load the blueprints.
    from tracker import extensions
    from tracker.pathway import api, arrest_referral_api, care_api, cli, handover_api

    for module in (api, care_api, handover_api, arrest_referral_api):
        extensions.api.register_blueprint(module.bp)
    app.cli.add_command(cli.demo_cli)
    app.cli.add_command(cli.import_cli)
