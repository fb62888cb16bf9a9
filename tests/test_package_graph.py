"""Which way the imports run (STYLE.md "Which way the arrows run"; issue 9 item 1).

Every module under tracker/ and config/ is parsed with `ast`, and every import in it is an edge,
including imports inside functions (they hide cycles as well as any other). tracker/migrations is left
out: its scripts are frozen history and import no application code. The arrows point down:

    shells      tracker/__init__.py (the factory), tracker/scheduler.py, tracker/health.py,
                tracker/metrics.py, tracker/web/
    features    alerts, sms, reports            sideways only sms -> alerts (raise_event_alert alone)
                                                and reports -> alerts, sms
    pathway     the records, their use cases and the scope of who sees which person
    base        auth, extensions, audit, bulk, errors, clock, types, leadership, inputs, jobs, jsonlog,
                paging, config/
    PURE        pathway/{stages,dates,screening,checklist,referrals,enforcement,bounds,release_rows,
                release_plan,continuity},
                alerts/rules, sms/policy, privacy: the standard library, `holidays`, and each other

The rule for a shell that lives inside a package, decided by file name: `api.py`, `*_api.py`, `cli.py`,
`webhooks.py`, `views.py` and `*_views.py` are shells (blueprints, commands, callbacks), and so is the
package's `__init__.py`, which wires them into the app in `init_app`. Such a shell may import its own
package and whatever that package may import, nothing more: `pathway/api.py` may not import alerts.
No module imports a shell except the wiring of its own package (the factory imports each package's
wiring), and the shells of tracker/web/ import each other freely. `auth` imports no feature package,
shells included, and pathway never imports sms or alerts: it announces changes (tracker/pathway/events.py).
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tracker", "config")

PURE = {
    "tracker.pathway.stages",
    "tracker.pathway.dates",
    "tracker.pathway.screening",
    "tracker.pathway.checklist",
    "tracker.pathway.referrals",
    "tracker.pathway.enforcement",
    "tracker.pathway.bounds",
    "tracker.pathway.release_rows",
    "tracker.pathway.release_plan",
    "tracker.pathway.continuity",
    "tracker.alerts.rules",
    "tracker.sms.policy",
    "tracker.privacy",
}
# Small pure packages a PURE module may use besides the standard library.
PURE_THIRD_PARTY = {"holidays"}
BASE = {
    "tracker.extensions",
    "tracker.audit",
    "tracker.bulk",
    "tracker.errors",
    "tracker.clock",
    "tracker.types",
    "tracker.leadership",
    "tracker.inputs",
    "tracker.jobs",
    "tracker.paging",
    "tracker.jsonlog",
}
TOP_SHELLS = {"tracker", "tracker.scheduler", "tracker.health", "tracker.metrics"}
FEATURES = ("alerts", "sms", "reports")

# What each unit may import (its own unit included).
MAY_IMPORT = {
    "pure": {"pure"},
    "base": {"pure", "base"},
    "auth": {"pure", "base", "auth"},
    "pathway": {"pure", "base", "auth", "pathway"},
    "alerts": {"pure", "base", "auth", "pathway", "alerts"},
    "sms": {"pure", "base", "auth", "pathway", "sms", "alerts"},
    "reports": {"pure", "base", "auth", "pathway", "alerts", "sms", "reports"},
    "shell": {"pure", "base", "auth", "pathway", "alerts", "sms", "reports", "shell"},
}
# sms raises an alert through one public function of alerts, and through nothing else.
SMS_TO_ALERTS = ("tracker.alerts.service", "raise_event_alert")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> list[Path]:
    files = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    return [p for p in files if "migrations" not in p.relative_to(ROOT).parts]


MODULES = {module_name(p): p for p in source_files()}


def unit(module: str) -> str:
    """pure, base, auth, pathway, alerts, sms, reports or shell (the factory, scheduler, health, web)."""
    if module in PURE:
        return "pure"
    if module in BASE or module.split(".")[0] == "config":
        return "base"
    if module in TOP_SHELLS or module.startswith("tracker.web"):
        return "shell"
    package = module.split(".")[1]
    assert package in ("auth", "pathway", *FEATURES), f"{module}: no place in the graph; add it"
    return package


def is_wiring(module: str) -> bool:
    """The factory, or a package's __init__.py (its init_app wires the package's shells into the app)."""
    return module == "tracker" or MODULES[module].name == "__init__.py"


def is_shell(module: str) -> bool:
    """A blueprint, command, callback or page module, or wiring; decided by file name inside a package."""
    stem = MODULES[module].stem
    named = stem in ("api", "cli", "webhooks", "views") or stem.endswith(("_api", "_views"))
    return named or is_wiring(module) or unit(module) == "shell"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str  # a module of ours, or the top-level name of any other import
    names: tuple[str, ...]  # what a `from ... import` takes
    line: int

    def __str__(self) -> str:
        taken = f" ({', '.join(self.names)})" if self.names else ""
        return f"{MODULES[self.source].relative_to(ROOT)}:{self.line}: {self.source} -> {self.target}{taken}"


def _ours(name: str) -> str:
    """The module of ours that `name` (a module or a name inside one) lives in."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _absolute(source: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = source if MODULES[source].name == "__init__.py" else source.rpartition(".")[0]
    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def edges_of(source: str) -> list[Edge]:
    tree = ast.parse(MODULES[source].read_text(), filename=str(MODULES[source]))
    edges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _ours(alias.name) if alias.name.split(".")[0] in PACKAGES else alias.name
                edges.append(Edge(source, target, (), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(source, node)
            if module.split(".")[0] not in PACKAGES:
                edges.append(Edge(source, module, tuple(a.name for a in node.names), node.lineno))
                continue
            for alias in node.names:
                target = _ours(f"{module}.{alias.name}")
                edges.append(Edge(source, target, (alias.name,), node.lineno))
    return edges


def problem(edge: Edge) -> str | None:
    """Why this import runs against the arrows, or None when it is allowed."""
    source, target = edge.source, edge.target
    if target not in MODULES:
        top = target.split(".")[0]
        if unit(source) == "pure" and top != "__future__" and top not in sys.stdlib_module_names:
            if top not in PURE_THIRD_PARTY:
                return f"a PURE module imports {top}"
        return None
    if source == target:
        return None
    home, away = unit(source), unit(target)
    if away not in MAY_IMPORT[home]:
        return f"{home} may not import {away}"
    if is_shell(target) and not _may_reach_shell(source, target):
        return f"{target} is a shell; only its own package's wiring imports it"
    if (home, away) == ("sms", "alerts") and (target, edge.names) != (SMS_TO_ALERTS[0], SMS_TO_ALERTS[1:]):
        return "sms reaches alerts only through tracker.alerts.service.raise_event_alert"
    return None


def _may_reach_shell(source: str, target: str) -> bool:
    if source == "tracker":
        return is_wiring(target) or target in TOP_SHELLS
    if unit(source) == unit(target) == "shell":
        return not is_wiring(target) or target == "tracker.web"
    return is_wiring(source) and unit(source) == unit(target)


def all_edges() -> list[Edge]:
    return [edge for module in MODULES for edge in edges_of(module)]


def test_every_import_runs_down_the_arrows():
    against = [f"{edge}: {why}" for edge in all_edges() if (why := problem(edge))]

    assert against == [], "\n".join(against)


def test_the_walk_sees_every_package_and_imports_inside_functions():
    edges = all_edges()

    assert {unit(m) for m in MODULES} == set(MAY_IMPORT)
    assert any(e.source == "tracker" and e.target == "tracker.pathway" for e in edges), (
        "create_app imports each package's wiring inside the function"
    )


@pytest.mark.parametrize(
    ("source", "target", "names"),
    [
        ("tracker.pathway.service", "tracker.sms.outbox", ("outbox",)),
        ("tracker.pathway.board", "tracker.alerts.facts", ("histories",)),
        ("tracker.auth.api", "tracker.pathway.schemas", ("schemas",)),
        ("tracker.errors", "tracker.web.error_pages", ("error_page",)),
        ("tracker.pathway.api", "tracker.alerts.api", ("bp",)),
        ("tracker.sms.replies", "tracker.alerts.store", ("insert_new_alerts",)),
        ("tracker.sms.cli", "tracker.alerts.cli", ("parse_instant",)),
        ("tracker.web.alert_views", "tracker.alerts.api", ("alerts_for",)),
        ("tracker.pathway.dates", "flask", ("current_app",)),
        ("tracker.alerts.sweep", "tracker.scheduler", ("LEADER_JOBS",)),
        ("tracker.alerts.models", "tracker.alerts.api", ("bp",)),
    ],
)
def test_edges_against_the_arrows_are_caught(source, target, names):
    assert problem(Edge(source, target, names, 1)) is not None


@pytest.mark.parametrize(
    ("source", "target", "names"),
    [
        ("tracker.sms.replies", "tracker.alerts.service", ("raise_event_alert",)),
        ("tracker.reports.continuity", "tracker.sms.models", ("Message",)),
        ("tracker.alerts.rules", "tracker.pathway.dates", ("add_working_days",)),
        ("tracker.pathway.dates", "holidays", ("country_holidays",)),
        ("tracker.sms", "tracker.sms.api", ("api",)),
        ("tracker", "tracker.sms", ("sms",)),
        ("tracker.web.alert_views", "tracker.alerts.service", ("service",)),
        ("tracker.scheduler", "tracker.sms.dispatch", ("dispatch",)),
    ],
)
def test_edges_along_the_arrows_pass(source, target, names):
    assert problem(Edge(source, target, names, 1)) is None


def test_no_module_is_imported_only_for_its_side_effects():
    silenced = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in MODULES.values()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "noqa: F401" in line
    ]

    assert silenced == []
