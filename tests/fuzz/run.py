"""`make fuzz`: schemathesis against a running server, for every role, on a seeded database.

Starts gunicorn on a free port over a fresh database (FUZZ_DATABASE_URL, which must be empty, else a
SQLite file in a temporary folder) holding the demo caseload and a token per role, then runs
`schemathesis run` once per role and once with no token, with a fixed seed. The server's access log
counts every answer: the run fails on any 5xx, or on a failure schemathesis reports.

    FUZZ_SEED (default tests.fuzz.world.SEED), FUZZ_MAX_EXAMPLES (default 100 per operation),
    FUZZ_ROLES (default every role and "anonymous"), FUZZ_WORKERS (default 1)
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="tracker-fuzz-"))
    url = os.environ.get("FUZZ_DATABASE_URL") or f"sqlite:///{folder / 'fuzz.sqlite3'}"
    env = os.environ | {
        "TRACKER_ENV": "development",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "SMS_BACKEND": "outbox",
    }
    tokens, known = _seeded(env)
    seed = os.environ.get("FUZZ_SEED") or str(_world().SEED)
    roles = (os.environ.get("FUZZ_ROLES") or ",".join([*tokens, "anonymous"])).split(",")
    port, log = _free_port(), folder / "access.log"
    server = _serve(env, port, log)
    totals: Counter[str] = Counter()
    failed_roles = []
    try:
        print(f"fuzzing http://127.0.0.1:{port}/api/v1 with seed {seed} ({url.split('://')[0]})")
        for role in roles:
            before = _answers(log)
            code = _fuzz(env | {"FUZZ_KNOWN_IDS": json.dumps(known)}, port, seed, tokens.get(role), folder)
            answers = _answers(log)[len(before) :]
            errors = sum(1 for status in answers if status >= 500)
            totals.update(requests=len(answers), server_errors=errors)
            print(f"  {role:<17} {len(answers):>6} requests  {errors:>4} 5xx  schemathesis exit {code}")
            if code or errors:
                failed_roles.append(role)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"total: {totals['requests']} requests, {totals['server_errors']} 5xx, seed {seed}; log in {log}")
    return 1 if failed_roles or totals["server_errors"] else 0


def _world():
    sys.path.insert(0, str(ROOT))
    from tests.fuzz import world

    return world


def _seeded(env: dict[str, str]) -> tuple[dict[str, str], dict[str, list[int]]]:
    """Migrate and seed the database in this process (settings read the environment on import)."""
    os.environ.update(env)
    world = _world()
    from flask_migrate import upgrade

    from tracker import create_app

    app = create_app()
    with app.app_context():
        upgrade()
        tokens = world.seed_world()
        swept = app.test_cli_runner().invoke(args=["alerts", "sweep"])
        assert swept.exit_code == 0, swept.output
        return tokens, world.known_ids()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [
        str(BIN / "gunicorn"),
        "wsgi:app",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--access-logfile",
        str(log),
        "--access-logformat",
        "%(s)s %(m)s %(U)s",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


def _answers(log: Path) -> list[int]:
    """The status of every answer in the access log so far."""
    if not log.exists():
        return []
    return [int(line.split(" ", 1)[0]) for line in log.read_text().splitlines() if line[:3].isdigit()]


def _fuzz(env: dict[str, str], port: int, seed: str, token: str | None, log_folder: Path) -> int:
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"http://127.0.0.1:{port}/api/v1/openapi.json",
        "--seed",
        seed,
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("FUZZ_MAX_EXAMPLES", "100"),
        # One worker: schemathesis's coverage phase is not safe across threads (hypothesis's lambda
        # descriptions fail in ast); the server still answers requests concurrently across roles' runs.
        "--workers",
        os.environ.get("FUZZ_WORKERS", "1"),
        "--suppress-health-check",
        "all",
        "--continue-on-failure",
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    env = env | {"SCHEMATHESIS_HOOKS": "tests.fuzz.hooks"}
    # Run where schemathesis may keep its cache (.schemathesis/): beside the log, not in the tree.
    return subprocess.run(command, cwd=log_folder, env=env, stdout=sys.stdout, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
