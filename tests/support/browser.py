"""The browser tests' tools: Debian's Chromium (never a browser downloaded at run time), the
screen staff use, where screenshots go, and logging into the admin as staff do."""

import os
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.support.factories import PASSWORD

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
# Where the screenshots go: a throwaway folder, so that a test run leaves the checkout as it was;
# FASTHUB_SCREENSHOTS=docs/screenshots refreshes the ones the documentation shows.
SCREENSHOTS = Path(
    os.environ.get("FASTHUB_SCREENSHOTS") or Path(tempfile.gettempdir()) / "fasthub-screenshots"
)
STEP_TIMEOUT_MS = 15_000
VIEWPORT_WIDTH = 1280  # the narrowest screen staff use the admin on


def admin_log_in(
    page: Page, live_server: LiveServer, *, email: str, password: str = PASSWORD
) -> None:
    """Log into the admin as staff do: their email and password on the login page."""
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("label[for=id_username]")).to_have_text("Email:")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text("Log out")
