"""A real browser, end to end: staff creates a fast in the admin, then finds it in the API docs.

Headless Chromium (the system package, never downloaded at run time) is driven by Playwright's
sync API against pytest-django's live server, which also serves the static files (admin CSS,
the locally bundled Swagger UI). The screenshots it takes are the ones in docs/screenshots/.
"""

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from hub.models import Church, Fast

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

STAFF_EMAIL = "staff@example.org"
STAFF_PASSWORD = "a-strong-Passw0rd!"
FAST_NAME = "Advent Fast"
FIRST_DATE = dt.date(2026, 12, 7)
LAST_DATE = dt.date(2026, 12, 13)


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
    context = browser.new_context(viewport={"width": 1280, "height": 900})
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


@pytest.mark.django_db(transaction=True)
def test_staff_creates_a_fast_in_the_admin_and_finds_it_in_the_api_docs(
    page: Page, live_server: LiveServer
) -> None:
    User.objects.create_superuser(STAFF_EMAIL, STAFF_EMAIL, STAFF_PASSWORD)
    church = Church.objects.create(name="St. Mary Church")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # Log into the admin.
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", STAFF_EMAIL)
    page.fill("#id_password", STAFF_PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")

    # Fasts changelist -> "Create a fast from a date range".
    page.goto(f"{live_server.url}/admin/hub/fast/")
    page.get_by_role("link", name="Create a fast from a date range").click()
    expect(page).to_have_url(f"{live_server.url}/admin/hub/fast/create-from-range/")
    page.fill("#id_name", FAST_NAME)
    page.select_option("#id_church", label=church.name)
    page.fill("#id_first_date", FIRST_DATE.isoformat())
    page.fill("#id_last_date", LAST_DATE.isoformat())
    page.locator("#id_last_date").blur()
    page.screenshot(path=SCREENSHOTS / "admin-create-fast.png", full_page=True)
    page.click("input[type=submit][value=Create]")

    success = page.locator(".messagelist .success")
    expect(success).to_contain_text(f"Created “{FAST_NAME} (2026)” with 7 days")
    expect(success).to_contain_text("(2026-12-07 to 2026-12-13)")
    page.screenshot(path=SCREENSHOTS / "admin-fast-created.png", full_page=True)

    fast = Fast.objects.get(name=FAST_NAME, church=church)
    assert (fast.first_day, fast.last_day, fast.day_count) == (FIRST_DATE, LAST_DATE, 7)
    assert sorted(fast.days.values_list("date", flat=True)) == [
        FIRST_DATE + dt.timedelta(days=i) for i in range(7)
    ]

    # The API docs page: GET /api/fasts/ -> "Try it out" as an anonymous caller.
    page.goto(f"{live_server.url}/api/docs/")
    operation = page.locator("#operations-api-api_fasts_list")
    operation.locator(".opblock-summary-control").click()
    operation.get_by_role("button", name="Try it out").click()
    for name, value in (
        ("church_id", str(church.pk)),
        ("start_date", "2026-12-01"),
        ("end_date", "2026-12-31"),
    ):
        operation.locator(f'tr[data-param-name="{name}"] input').fill(value)
    operation.get_by_role("button", name="Execute").click()

    live_response = operation.locator(".live-responses-table .response")
    expect(live_response.locator(".response-col_status")).to_contain_text("200")
    body = live_response.locator(".response-col_description .highlight-code")
    expect(body).to_contain_text(f'"name": "{FAST_NAME}"')
    expect(body).to_contain_text(f'"id": {fast.pk}')
    # From the operation's header down to the live response; the static response docs below
    # it are left out.
    top = operation.bounding_box()
    bottom = operation.locator(".live-responses-table").bounding_box()
    assert top is not None and bottom is not None
    scroll_y = page.evaluate("window.scrollY")
    page.screenshot(
        path=SCREENSHOTS / "api-docs-try-it-out.png",
        full_page=True,
        clip={
            "x": top["x"],
            "y": top["y"] + scroll_y,
            "width": top["width"],
            "height": bottom["y"] + bottom["height"] - top["y"],
        },
    )
