"""One clock (issue 9 item 4): only the shells read the wall clock; every use case takes `now` or `today`.

Every module under tracker/ is parsed with `ast` and every call that reads the clock is found:
`utcnow()`, `local_today()` with no instant, `datetime.now()`, `datetime.utcnow()`, `datetime.today()`,
`date.today()` and `time.time()`. A model's `default=utcnow` is a reference, not a call: a column
default stays as the last resort for a row no use case stamped.

Allowed: the shells, which read the clock once per request or command and pass it down (tracker/web/,
and in each package `api.py`, `*_api.py`, `cli.py`, `webhooks.py`, `views.py`, `*_views.py`), the
scheduler and what belongs to it (`scheduler`, `leadership`, `jobs`, `health`), the clock itself
(`clock`, `types`), `inputs` (the request schemas' date bounds, checked as the handler loads a request),
and the two hooks that run before every request: the session's expiry and the API token's check.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACKER = ROOT / "tracker"

SHELL_FILES = {"api.py", "cli.py", "webhooks.py", "views.py"}
SHELL_SUFFIXES = ("_api.py", "_views.py")
ALLOWED_MODULES = {
    "tracker/scheduler.py",
    "tracker/leadership.py",
    "tracker/jobs.py",
    "tracker/health.py",
    "tracker/clock.py",
    "tracker/types.py",
    "tracker/inputs.py",
    # A scrape of /metrics is a request of its own: its ages are measured at the moment it asks.
    "tracker/metrics.py",
    # Asking Twilio which texts it accepted lately compares with Twilio's clock, which is the wall clock.
    "tracker/sms/gateways.py",
    # The audit log says when a record was really read or changed: a use case's instant (a sweep or a
    # dispatch --at in the past) must not backdate who did what, so the log keeps the wall clock.
    "tracker/audit.py",
}
REQUEST_HOOKS = {
    ("tracker/auth/sessions.py", "end_expired_session"),
    ("tracker/auth/tokens.py", "authenticate_bearer"),
}
CLOCK_FUNCTIONS = {"utcnow"}
CLOCK_METHODS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today")}
CLOCK_METHODS |= {("time", "time")}


def is_shell(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.startswith("tracker/web/") or name in SHELL_FILES or name.endswith(SHELL_SUFFIXES)


def reads_clock(call: ast.Call) -> bool:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    if name in CLOCK_FUNCTIONS:
        return True
    if name == "local_today":
        return not call.args and not call.keywords
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return (func.value.id, func.attr) in CLOCK_METHODS
    return False


class ClockReads(ast.NodeVisitor):
    """(line, enclosing function) of every call that reads the clock."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.within: list[str] = ["<module>"]

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:  # noqa: N802
        self.within.append(node.name)
        self.generic_visit(node)
        self.within.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        if reads_clock(node):
            # A nested function counts as its outermost one: that is what a reader looks for.
            self.found.append((node.lineno, self.within[1] if len(self.within) > 1 else self.within[0]))
        self.generic_visit(node)


def clock_reads() -> dict[str, list[tuple[int, str]]]:
    reads = {}
    for file in sorted(TRACKER.rglob("*.py")):
        path = file.relative_to(ROOT).as_posix()
        if path.startswith("tracker/migrations/"):
            continue
        visitor = ClockReads()
        visitor.visit(ast.parse(file.read_text(), filename=path))
        if visitor.found:
            reads[path] = visitor.found
    return reads


def test_only_the_shells_read_the_clock():
    misplaced = [
        f"{path}:{line} in {function}()"
        for path, found in clock_reads().items()
        if not is_shell(path) and path not in ALLOWED_MODULES
        for line, function in found
        if (path, function) not in REQUEST_HOOKS
    ]
    assert misplaced == [], "take `now` or `today` from the caller instead:\n" + "\n".join(misplaced)


def test_every_request_hook_named_still_reads_the_clock():
    reads = {(path, function) for path, found in clock_reads().items() for _, function in found}
    assert sorted((REQUEST_HOOKS) - reads) == []


def test_the_walk_finds_each_way_of_reading_the_clock():
    source = """
def f(now):
    utcnow(); types.utcnow(); local_today(); datetime.now(UTC); date.today(); time.time()
    local_today(now); clock.local_today(now); mapped_column(default=utcnow)
"""
    visitor = ClockReads()
    visitor.visit(ast.parse(source))
    assert len(visitor.found) == 6
