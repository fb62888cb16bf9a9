"""The HTML pages: GOV.UK Frontend templates, sessions, CSRF and the sign-in rate limit."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

TEMPLATES = Path(__file__).parent / "templates"
# Built by `make assets` from node_modules (gitignored): GOV.UK and MoJ Frontend CSS, JS, fonts, images.
STATIC = Path(__file__).parent.parent / "static"


def init_app(app: Flask) -> None:
    """Wire the pages into the app: templates, helpers, login settings, error pages and blueprints."""
    from tracker import errors
    from tracker.extensions import login_manager
    from tracker.web import error_pages, filters, headers, layout
    from tracker.web.blueprint import assets, bp

    _template_loaders(app)
    WTFormsHelpers(app)
    headers.init_app(app)
    filters.init_app(app)
    layout.init_app(app)
    errors.render_pages_with(app, error_pages.error_page)
    login_manager.login_view = "web.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    app.register_blueprint(_with_pages(bp))
    app.register_blueprint(assets)


def _template_loaders(app: Flask) -> None:
    # The app's own templates first, then the GOV.UK macros under the names their packages expect.
    loaders = [loader for loader in (app.jinja_loader,) if loader is not None]
    loaders.append(FileSystemLoader(str(TEMPLATES)))
    loaders.append(
        PrefixLoader(
            {
                "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
            }
        )
    )
    app.jinja_loader = ChoiceLoader(loaders)


@cache
def _with_pages(bp: Blueprint) -> Blueprint:
    """The one `web` blueprint with every page module's routes, added once however many apps register it."""
    from tracker.web import (
        add_person_views,
        admin_views,
        alert_views,
        arrest_referral_views,
        board_views,
        calendar_views,
        care_views,
        caseload_views,
        credential_views,
        person_views,
        release_import_views,
        report_views,
        screening_views,
        second_factor_views,
        sign_in_views,
        stage_views,
    )

    for pages in (
        sign_in_views,
        second_factor_views,
        credential_views,
        calendar_views,
        caseload_views,
        add_person_views,
        arrest_referral_views,
        person_views,
        stage_views,
        care_views,
        screening_views,
        board_views,
        release_import_views,
        alert_views,
        report_views,
        admin_views,
    ):
        pages.routes.add_to(bp)
    return bp
