"""Shared by the browser tests: headless Chromium (the system package, never downloaded at run
time) driven by Playwright's sync API against pytest-django's live server, which also serves the
static files (admin CSS and scripts, the locally bundled Swagger UI). A page at 1280 x 900 that
may not ask for anything off-site; screenshots go to docs/screenshots/.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium reaches out to Google services on start.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
STEP_TIMEOUT_MS = 15_000

STAFF_PASSWORD = "a-strong-Passw0rd!"
VIEWPORT_WIDTH = 1280  # the narrowest screen staff use the admin on


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (install Debian's chromium package)"
        if os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}:
            pytest.fail(f"{message}; CI must run the browser test.")
        pytest.skip(f"{message}; the browser test runs in CI.")
    # Playwright's sync API keeps an event loop running in this thread, which makes Django
    # refuse ORM calls from the test body; they are ordinary blocking calls here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=STEP_TIMEOUT_MS
        )
        try:
            yield browser
        finally:
            browser.close()
            # With Playwright's event loop running, Django keeps this thread's connections
            # apart from the ones it had before; close them here, or they outlive the test and
            # the PostgreSQL test database cannot be dropped at the end of the session.
            connections.close_all()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": VIEWPORT_WIDTH, "height": 900})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    context.set_default_navigation_timeout(STEP_TIMEOUT_MS)
    offsite: list[str] = []

    # Everything the pages need is served by the app itself; a request elsewhere is a bug
    # (a CDN asset, a validator badge), and it must not leave the machine.
    def keep_local(route, request):  # type: ignore[no-untyped-def]
        if request.url.startswith(live_server.url):
            route.continue_()
        else:
            offsite.append(request.url)
            route.abort()

    context.route("**/*", keep_local)
    page = context.new_page()
    # The admin and the docs page run under a Content-Security-Policy (scripts from this
    # server only): anything it blocks is reported on the console, and would be a broken page.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    assert offsite == [], f"pages asked for off-site resources: {offsite}"
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"


def admin_log_in(page: Page, live_server: LiveServer, *, email: str) -> None:
    """Log into the admin as staff do: their email and password on the login page."""
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("label[for=id_username]")).to_have_text("Email:")
    page.fill("#id_username", email)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")
