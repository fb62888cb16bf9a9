"""What every page's layout needs: the service navigation for the signed-in role, the script nonce."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for
from flask_login import current_user

from tracker.web import labels

SERVICE_NAME = "Pathway Tracker"

# Each role's pages, in the order the navigation lists them: (endpoint, words).
NAVIGATION: dict[str, list[tuple[str, str]]] = {
    "offender_manager": [
        ("web.caseload", "Caseload"),
        ("web.held_people", "Held by treatment"),
        ("web.alerts", "Alerts"),
        ("web.reports", "Reports"),
    ],
    "resettlement": [
        ("web.board", "Handover board"),
        ("web.caseload", "People"),
        ("web.alerts", "Alerts"),
        ("web.reports", "Reports"),
    ],
    "treatment": [
        ("web.caseload", "People referred"),
        ("web.case_requests", "Requests to take a case"),
        ("web.alerts", "Alerts"),
        ("web.reports", "Reports"),
    ],
    "commissioner": [("web.commissioner", "Overview"), ("web.reports", "Reports")],
    "admin": [("web.admin", "Teams and staff")],
}
# Pages under a navigation item that are not its own endpoint.
SECTIONS = {
    "web.person": "web.caseload",
    "web.identify": "web.caseload",
    "web.board_print": "web.board",
    "web.report": "web.reports",
    "web.report_print": "web.reports",
    "web.handover": "web.board",
    "web.resolve_alert": "web.alerts",
    "web.new_staff": "web.admin",
    "web.new_team": "web.admin",
    "web.reset_password": "web.admin",
    "web.account_tokens": "web.admin",
}


def navigation() -> list[dict[str, Any]]:
    """The service navigation items for the signed-in staff member."""
    if not current_user.is_authenticated:
        return []
    section = SECTIONS.get(request.endpoint or "", request.endpoint)
    return [
        {"href": url_for(endpoint), "text": words, "active": endpoint == section}
        for endpoint, words in NAVIGATION.get(current_user.role, [])
    ]


def init_app(app: Flask) -> None:
    """Make the layout's values available to every template, error pages included."""
    from tracker.web.formkit import error_list
    from tracker.web.headers import script_nonce

    # Imported macros see globals but not the context, so the words for codes are a global.
    app.jinja_env.globals["labels"] = labels

    @app.context_processor
    def layout() -> dict[str, Any]:
        return {
            "service_name": SERVICE_NAME,
            "navigation": navigation,
            "script_nonce": script_nonce,
            "error_list": error_list,
        }
