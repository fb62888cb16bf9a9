"""Staff, teams, roles, sessions and tokens."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire auth in: session timeouts and loader, /api/v1/me and /teams, `flask teams` and `flask users`."""
    # Imported here: importing tracker.auth.models must not load the package's blueprints and commands.
    from tracker import extensions
    from tracker.auth import api, cli, sessions, tokens

    sessions.init_app(app)
    tokens.init_app(app)
    extensions.api.register_blueprint(api.bp)
    app.cli.add_command(cli.teams)
    app.cli.add_command(cli.users)
