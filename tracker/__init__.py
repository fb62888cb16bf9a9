"""Pathway Tracker: follows people through the criminal justice pathway and its handovers."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from config.settings import Production, check_production, settings_for


def create_app(overrides: dict[str, Any] | None = None, env: str | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, errors and CLI. Starts no scheduler."""
    app = Flask(__name__, instance_relative_config=False)
    settings = settings_for(env)
    app.config.from_object(settings)
    app.config.update(overrides or {})
    if app.config["LOG_FORMAT"] == "json":
        from tracker.jsonlog import use_json_logs

        use_json_logs()
    if issubclass(settings, Production):
        check_production(app.config, logging.getLogger("tracker").warning)
    _ensure_sqlite_folder(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's documented way to wrap the WSGI app; mypy sees only a method being replaced.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"]
        )

    from tracker import (
        alerts,
        auth,
        errors,
        extensions,
        health,
        inputs,
        metrics,
        pathway,
        reports,
        scheduler,
        sms,
        web,
    )

    # Each package wires in its own blueprints, commands, webhooks and subscriptions.
    # The scheduler only registers `flask scheduler run`: it never starts here.
    # inputs comes first: it bounds path ids before any route exists and checks each body's size first.
    # metrics comes second: its timer must start before any other hook can answer a request.
    modules = (
        inputs,
        metrics,
        extensions,
        errors,
        health,
        auth,
        pathway,
        alerts,
        sms,
        reports,
        web,
        scheduler,
    )
    for module in modules:
        module.init_app(app)
    _keep_personal_data_out_of_logs()
    return app


# The Twilio client logs each request's parameters (the numbers it texts) at INFO, and urllib3 under
# it each URL (a list's To=) at DEBUG.
CHATTY_LOGGERS = ("twilio.http_client", "urllib3.connectionpool")
# The servers' loggers, which write each request's path: a calendar feed's path holds its token.
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def _keep_personal_data_out_of_logs() -> None:
    # An exception's message may quote a number or a database row too: our loggers, loaded by now,
    # redact them.
    from tracker.privacy import RedactPersonalData

    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    ours = [name for name in logging.root.manager.loggerDict if name.startswith("tracker.")]
    for logger in map(logging.getLogger, ["tracker", *ours, *ACCESS_LOGGERS]):
        if not any(isinstance(f, RedactPersonalData) for f in logger.filters):
            logger.addFilter(RedactPersonalData())


def _ensure_sqlite_folder(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
