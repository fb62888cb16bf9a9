"""Security headers on every answer, the same in every environment; HSTS only where the settings say.

Every answer but a static asset may carry personal data, so none is kept in any cache.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, g, request

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# The GOV.UK Frontend CSS, scripts, fonts and images: the same for everyone, so they may be cached.
STATIC_ENDPOINTS = frozenset({"static", "web.static", "assets.static"})


def script_nonce() -> str:
    """This request's nonce for inline scripts (the one GOV.UK's page template needs)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy() -> str:
    """Only our own scripts, styles and images, the inline script that carries this request's nonce,
    no <base> element (it would move every relative link) and no framing."""
    scripts = f"script-src 'self' 'nonce-{g.csp_nonce}'; " if "csp_nonce" in g else ""
    return (
        f"default-src 'self'; {scripts}img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def add_security_headers(response: Response) -> Response:
    """After every request: the security headers, and no-store unless it is a static asset."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    if hsts := current_app.config.get("STRICT_TRANSPORT_SECURITY"):
        response.headers.setdefault("Strict-Transport-Security", hsts)
    if request.endpoint not in STATIC_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every answer the app gives, pages, API, webhooks and errors alike."""
    app.after_request(add_security_headers)
