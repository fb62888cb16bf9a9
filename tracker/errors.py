"""One place that turns domain refusals and HTTP errors into JSON bodies (API) or GOV.UK pages (the rest)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, make_response, request
from markupsafe import escape
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, NotFound


class Refusal(Exception):
    """A request the domain refuses; carries the HTTP status and per-field details."""

    status = 400

    def __init__(self, message: str | dict[str, str], errors: dict[str, str] | None = None):
        if isinstance(message, dict):
            errors, message = message, "; ".join(f"{k}: {v}" for k, v in message.items())
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class Invalid(Refusal):
    """Bad input: 422, naming each bad field."""

    status = 422


class Conflict(Refusal):
    """A refused transition or a stale version: 409, saying what is allowed."""

    status = 409


class Forbidden(Refusal):
    """The caller may see the record but not do this to it: 403."""

    status = 403


class Unseen(NotFound):
    """A record missing or outside the caller's scope: 404 either way, and the attempt kept.

    Whoever looks the record up raises this and writes nothing; the error handler rolls the request
    back and commits the "denied" audit entry alone, so a refused request leaves only that behind.
    """

    def __init__(self, message: str, actor_id: int | None, subject_type: str, subject_id: int | None, **kept):
        super().__init__(description=message)
        self.denied = {"subject_type": subject_type, "subject_id": subject_id, **kept}
        self.actor_id = actor_id


def error_body(status: int, message: str, errors: dict | None = None) -> dict:
    """The JSON shape of every API error."""
    body: dict = {"code": status, "status": _status_name(status), "message": message}
    if errors:
        # Always {field: [messages]}, as webargs reports schema errors.
        body["errors"] = {k: v if isinstance(v, list | dict) else [v] for k, v in errors.items()}
    return body


def _status_name(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


# Machines call these paths and read JSON; every other path is a page and answers with one.
JSON_PATHS = ("/api/", "/webhooks/", "/healthz")


def wants_json() -> bool:
    """Whether this request's errors are JSON (the API, webhooks, health) rather than a page."""
    return request.path.startswith(JSON_PATHS)


PageRenderer = Callable[[int, str | None], Response]


def render_pages_with(app: Flask, renderer: PageRenderer) -> None:
    """Let the pages' package draw error pages in its own style; errors stays below every page."""
    app.extensions["tracker.error_page"] = renderer


def _page(status: int, message: str | None = None) -> Response:
    renderer = current_app.extensions.get("tracker.error_page", _plain_page)
    return renderer(status, message)


def _plain_page(status: int, message: str | None = None) -> Response:
    """An error page for an app without the pages' package: the status and the message, escaped."""
    title = _status_name(status)
    body = f"<!DOCTYPE html><html lang='en'><title>{title}</title><h1>{title}</h1>"
    return make_response(body + (f"<p>{escape(message)}</p>" if message else ""), status)


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    from tracker.extensions import db

    @app.errorhandler(Refusal)
    def refused(error: Refusal):
        db.session.rollback()
        if not wants_json():
            return _page(error.status, error.message)
        return jsonify(error_body(error.status, error.message, error.errors)), error.status

    @app.errorhandler(Unseen)
    def unseen(error: Unseen):
        from tracker import audit

        db.session.rollback()
        audit.record(error.actor_id, "denied", **error.denied)
        db.session.commit()  # the one thing a refused request keeps
        return http_error(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        if not wants_json():
            return _page(error.code or 500, error.description), headers
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or _flatten(data.get("messages"))
        message = data.get("message") or (
            f"Check these fields: {', '.join(errors)}." if errors else error.description
        )
        body = error_body(error.code or 500, message or "", errors)
        return jsonify(body), error.code, headers | (data.get("headers") or {})

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        if app.debug or app.testing:
            raise error
        app.logger.exception("unhandled error")
        if not wants_json():
            return _page(500)
        return jsonify(error_body(500, "Something went wrong; it has been logged.")), 500

    @app.errorhandler(IntegrityError)
    def lost_race(error: IntegrityError):
        # A unique key another request wrote first: that request won. Anything else is a fault.
        if not _unique_violation(error):
            return unexpected(error)
        db.session.rollback()
        message = "Someone else changed this record at the same moment. Reload it and try again."
        if not wants_json():
            return _page(409, message)
        return jsonify(error_body(409, message)), 409


def _unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a duplicate of a unique key (PostgreSQL 23505, SQLite UNIQUE)."""
    cause = error.orig
    return getattr(cause, "sqlstate", None) == "23505" or getattr(cause, "sqlite_errorname", None) in (
        "SQLITE_CONSTRAINT_UNIQUE",
        "SQLITE_CONSTRAINT_PRIMARYKEY",
    )


def _flatten(messages: dict | None) -> dict:
    """webargs nests field errors by location ({"json": {...}}); callers only care about fields."""
    if not messages:
        return {}
    flat: dict = {}
    for location_errors in messages.values():
        flat.update(location_errors if isinstance(location_errors, dict) else {"_": location_errors})
    return flat
