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
    if issubclass(settings, Production):
        check_production(app.config, logging.getLogger("tracker").warning)
        app.after_request(_security_headers)
    _ensure_sqlite_folder(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"]
        )

    from tracker import alerts, auth, errors, extensions, health, pathway, scheduler, sms, web

    # Each package wires in its own blueprints, commands, webhooks and subscriptions; reports has
    # none (the pages read it). The scheduler only registers `flask scheduler run`: it never starts here.
    for module in (extensions, errors, health, auth, pathway, alerts, sms, web, scheduler):
        module.init_app(app)
    return app


SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; object-src 'none'",
}


def _security_headers(response):
    """Production answers carry the usual hardening headers."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _ensure_sqlite_folder(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
