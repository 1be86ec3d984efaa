"""A real browser: church staff (not a superuser) find the weekly fast in the fast list, whose
participant count is in view at 1280 px, and copy it to next year: the copy has only
Wednesdays and Fridays. Screenshots: docs/screenshots/admin-fast-list.png and
admin-copy-weekly-fast.png (fixtures: conftest.py)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from hub.models import Church, Fast
from hub.services.fasts import fast_create
from hub.services.memberships import memberships_bulk_join
from tests.support.browser import SCREENSHOTS, VIEWPORT_WIDTH, admin_log_in
from tests.support.factories import PASSWORD

STAFF_EMAIL = "calendar@example.org"
WEEKLY = "Wednesday and Friday Fasts"
WEDNESDAY, FRIDAY = 2, 4


def _year(year: int) -> list[dt.date]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _church_staff() -> None:
    staff = User.objects.create_user(STAFF_EMAIL, STAFF_EMAIL, PASSWORD, is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="hub",
            content_type__model__in=["church", "fast", "day", "profile"],
        )
    )


def _calendar(church: Church) -> Fast:
    """The 2027 weekly fast (outside one fast-free week) with a few participants, among the
    church's seasonal fasts."""
    free = {dt.date(2027, 1, 6) + dt.timedelta(days=n) for n in range(8)}
    weekly = fast_create(
        name=WEEKLY,
        church=church,
        dates=[d for d in _year(2027) if d.weekday() in (WEDNESDAY, FRIDAY) and d not in free],
        description="Wednesdays and Fridays",
    )
    fast_create(
        name="Nativity Fast",
        church=church,
        dates=[dt.date(2027, 11, 15) + dt.timedelta(days=n) for n in range(40)],
        culmination_feast="Nativity",
        culmination_feast_date=dt.date(2027, 12, 25),
    )
    fast_create(
        name="Great Lent",
        church=church,
        dates=[dt.date(2027, 3, 15) + dt.timedelta(days=n) for n in range(48)],
        culmination_feast="Pascha",
        culmination_feast_date=dt.date(2027, 5, 2),
    )
    members = [
        User.objects.create_user(f"member{n}@example.org", f"member{n}@example.org", "x")
        for n in range(3)
    ]
    memberships_bulk_join(pairs=[(member.profile.pk, weekly.pk) for member in members])
    return weekly


@pytest.mark.django_db(transaction=True)
def test_staff_copies_the_weekly_fast_to_next_year_and_gets_only_its_weekdays(
    page: Page, live_server: LiveServer
) -> None:
    _church_staff()
    church = Church.objects.create(name="St. Mary Armenian Church")
    source = _calendar(church)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    admin_log_in(page, live_server, email=STAFF_EMAIL)

    # The fast list at 1280 px: the participant count is in view, not cut off.
    page.goto(f"{live_server.url}/admin/hub/fast/")
    row = page.locator("#result_list tbody tr", has_text=WEEKLY)
    participants = row.locator("td.field-participants")
    expect(participants).to_have_text("3")
    for cell in (participants, page.locator("#result_list th.column-participants")):
        box = cell.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT_WIDTH, box
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT_WIDTH
    page.screenshot(path=SCREENSHOTS / "admin-fast-list.png")

    # Its page -> "Copy to new dates": next year, the same weekdays (detected).
    row.get_by_role("link", name=WEEKLY).click()
    page.get_by_role("link", name="Copy to new dates").click()
    expect(page.locator("#content-main")).to_contain_text(
        "on Wednesdays and Fridays (a weekly fast)"
    )
    expect(page.locator("#id_move_to_0")).to_be_checked()  # a new year
    expect(page.locator("#id_year")).to_have_value("2028")
    expect(page.get_by_label("the same weekdays")).to_be_checked()
    page.fill("#id_description", "Wednesdays and Fridays of 2028")
    page.screenshot(path=SCREENSHOTS / "admin-copy-weekly-fast.png", full_page=True)
    page.click("input[type=submit][value=Copy]")

    expected = [d for d in _year(2028) if d.weekday() in (WEDNESDAY, FRIDAY)]
    success = page.locator(".messagelist .success")
    expect(success).to_contain_text(f"Created “{WEEKLY} (2028)” with {len(expected)} days")
    copy = Fast.objects.get(name=WEEKLY, year=2028)
    dates = list(copy.days.order_by("date").values_list("date", flat=True))
    assert dates == expected
    assert {d.weekday() for d in dates} == {WEDNESDAY, FRIDAY}
    assert (copy.church_id, copy.description) == (church.pk, "Wednesdays and Fridays of 2028")
    source.refresh_from_db()
    assert source.participant_count == 3 and copy.participant_count == 0
