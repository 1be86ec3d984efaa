"""Shared by the browser tests: headless Chromium (the system package, never downloaded at run
time) driven by Playwright's sync API against pytest-django's live server, which also serves the
static files (admin CSS and scripts, the locally bundled Swagger UI). A page at 1280 x 900 that
may not ask for anything off-site; screenshots go to
tests.support.browser.SCREENSHOTS (docs/screenshots/ when FASTHUB_SCREENSHOTS says so).
"""

from collections.abc import Iterator

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, STEP_TIMEOUT_MS, VIEWPORT_WIDTH
from tests.support.live import missing_tool


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing_tool(f"{CHROMIUM} is missing (install Debian's chromium package)")
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
    def keep_local(route, request):
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
