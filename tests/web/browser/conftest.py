"""A live server in a thread and Debian's chromium driven by Playwright, with axe-core in every page."""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
# Impacts axe rates as blocking someone from using the page.
BLOCKING = ("serious", "critical")
AXE_RUN = """async () => (await axe.run(document)).violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')),
}))"""


@pytest.fixture(scope="session")
def built_assets() -> None:
    """The GOV.UK and MoJ Frontend build and axe-core (make assets: quick when up to date)."""
    subprocess.run(["make", "-s", "assets"], cwd=ROOT, check=True)
    assert AXE.exists(), "node_modules/axe-core is missing: run make assets"


@pytest.fixture(scope="session")
def chromium(built_assets):
    """Debian's chromium (make test installs it), launched once for the session."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make chromium` (run by `make test`) installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served on a free port of 127.0.0.1 from a background thread, against the test database."""
    from werkzeug.serving import make_server

    from tracker.extensions import db

    db.session.remove()  # the test's setup is committed; the server's threads use sessions of their own
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


class Journey:
    """A browser tab that screenshots each page it reaches and checks it with axe-core."""

    def __init__(self, page, base_url: str, name: str):
        self.page, self.base_url = page, base_url
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0
        self.keys: dict[str, str] = {}  # each admin's authenticator key, read from the set-up page
        self.last_steps: dict[str, int] = {}

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def snap(self, label: str) -> None:
        """Save a screenshot of the whole page and fail on any serious or critical accessibility problem."""
        self.page.wait_for_load_state("networkidle")
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{label}.png"), full_page=True)
        violations = self.page.evaluate(AXE_RUN)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"{label}: {blocking}"

    def sign_in(self, email: str, password: str, snap_second_factor: bool = False) -> None:
        """Sign in as a person would; an admin sets up an authenticator from the page's key, then enters
        the code it shows (snapping those pages too when asked)."""
        self.goto("/sign-in")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()
        path = self.page.url.removeprefix(self.base_url)
        if path == "/sign-in/set-up-code":
            self.keys[email] = self.page.locator("#setup-key").text_content().replace(" ", "")
            button = "Finish setting up"
        elif path == "/sign-in/code":
            button = "Continue"
        else:
            return
        if snap_second_factor:
            self.snap(path.rsplit("/", 1)[-1])
        self.page.get_by_label("Code from your authenticator app").fill(self._next_code(email))
        self.page.get_by_role("button", name=button).click()

    def _next_code(self, email: str) -> str:
        # What the app shows now; a code signs in once, so a second sign-in in the same 30 seconds
        # waits for the next one.
        totp = pyotp.TOTP(self.keys[email])
        step = max(totp.timecode(datetime.now(UTC)), self.last_steps.get(email, -1) + 1)
        while totp.timecode(datetime.now(UTC)) + 1 < step:
            time.sleep(1)
        self.last_steps[email] = step
        return totp.generate_otp(step)


def _a_real_error(message) -> bool:
    # Pages answering 403, 404, 409 or 422 are the point of some steps; a failed script, style, font or
    # image is caught by its response instead. Anything else (a CSP refusal, a script error) counts.
    return message.type == "error" and not message.text.startswith("Failed to load resource")


def _a_broken_resource(response) -> bool:
    return response.request.resource_type != "document" and response.status >= 400


@pytest.fixture
def journey(chromium, live_server, request) -> Iterator[Journey]:
    """A fresh browser context for this test, its screenshots under test-output/screenshots/<test name>/."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if _a_real_error(message) else None)
    page.on(
        "response", lambda response: errors.append(response.url) if _a_broken_resource(response) else None
    )
    yield Journey(page, live_server, re.sub(r"[^\w-]", "_", request.node.name))
    context.close()
    assert not errors, f"the browser reported errors or broken resources: {errors}"
