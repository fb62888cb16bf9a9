"""The 400, 403, 404, 413, 429 and 500 pages, in the service's GOV.UK style."""

from __future__ import annotations

from flask import Response, current_app, make_response, render_template
from werkzeug.exceptions import default_exceptions

# GOV.UK's wording for each page: (title, what to do).
COPY = {
    400: (
        "Sorry, we could not accept that form",
        "The form may have expired. Go back, reload the page and try again.",
    ),
    403: (
        "You cannot do that",
        "Your role or team does not allow this. Ask your manager if you think it should.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied it all.",
    ),
    405: ("Page not found", "If you typed the web address, check it is correct."),
    409: ("That change was refused", "Go back and check what is allowed next."),
    413: ("That was too much to send", "Go back, shorten what you entered and try again."),
    422: ("Check what you entered", "Go back and check the details."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. We have recorded the problem."),
}
# Messages our own code gives are worth showing; library defaults and CSRF internals are not.
HIDDEN_STATUSES = {400, 405, 429, 500}


def error_page(status: int, message: str | None = None) -> Response:
    """A page for an error status; never a stack trace."""
    title, advice = COPY.get(status, COPY[500] if status >= 500 else COPY[400])
    default = default_exceptions.get(status)
    if status in HIDDEN_STATUSES or (default is not None and message == default.description):
        message = None
    try:
        body = render_template("error.html", status=status, title=title, advice=advice, message=message)
    except Exception:  # the layout itself failed: a plain page is still better than a trace
        current_app.logger.exception("error page could not render")
        body = f"<!DOCTYPE html><html lang='en'><title>{title}</title><h1>{title}</h1><p>{advice}</p></html>"
    return make_response(body, status)
