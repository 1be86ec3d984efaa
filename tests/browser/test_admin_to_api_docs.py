"""A real browser, end to end: staff creates a fast in the admin, then finds it in the API docs.
The screenshots it takes are the ones in docs/screenshots/ when refreshed (fixtures: conftest.py).
"""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hub.models import Church, Fast
from tests.support.browser import SCREENSHOTS, admin_log_in
from tests.support.factories import PASSWORD

STAFF_EMAIL = "staff@example.org"
FAST_NAME = "Advent Fast"
FIRST_DATE = dt.date(2026, 12, 7)
LAST_DATE = dt.date(2026, 12, 13)


@pytest.mark.django_db(transaction=True)
def test_staff_creates_a_fast_in_the_admin_and_finds_it_in_the_api_docs(
    page: Page, live_server: LiveServer
) -> None:
    User.objects.create_superuser(STAFF_EMAIL, STAFF_EMAIL, PASSWORD)
    church = Church.objects.create(name="St. Mary Church")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    admin_log_in(page, live_server, email=STAFF_EMAIL)

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

    # The API docs page. Before authorizing, no request will carry a token: every padlock is
    # open, for an operation that takes a token optionally (the fast list) as for one that
    # needs it (the stats); none at all for one that takes no token (churches).
    page.goto(f"{live_server.url}/api/docs/")
    for operation_id, padlock in (
        ("api-api_fasts_list", "authorization button unlocked"),
        ("api-api_fasts_stats_retrieve", "authorization button unlocked"),
    ):
        button = page.locator(f"#operations-{operation_id} .authorization__btn")
        expect(button).to_have_attribute("aria-label", padlock)
    expect(page.locator("#operations-api-api_churches_list .authorization__btn")).to_have_count(0)

    # GET /api/fasts/ -> "Try it out" as an anonymous caller.
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
