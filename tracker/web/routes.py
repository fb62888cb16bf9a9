"""The routes of one page module, kept until tracker/web/__init__.py adds them to the `web` blueprint.

Every page shares the one blueprint, so endpoints stay `web.<view>`; each module records its routes
here instead of adding them when imported, and init_app adds them by name: no module is imported
only for what importing it does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

View = Callable[..., Any]


class Routes:
    """`@routes.get(rule)`, `@routes.post(rule)` and `@routes.route(rule, methods=...)`, as on a blueprint."""

    def __init__(self) -> None:
        self.rules: list[tuple[str, View, dict[str, Any]]] = []

    def route(self, rule: str, **options: Any) -> Callable[[View], View]:
        """Record a view for this rule; options as Flask's add_url_rule takes them."""

        def record(view: View) -> View:
            self.rules.append((rule, view, options))
            return view

        return record

    def get(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["POST"], **options)

    def add_to(self, blueprint: Blueprint) -> None:
        """Add every recorded route to the blueprint, each view's endpoint its function's name."""
        for rule, view, options in self.rules:
            blueprint.add_url_rule(rule, view_func=view, **options)
