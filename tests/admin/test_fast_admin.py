"""The staff admin's fast pages: create from a date range, copy to new dates, the day inline."""

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hub.models import Day, Fast
from tests.support.factories import make_church, make_fast

pytestmark = pytest.mark.django_db

CREATE_URL = "admin:hub_fast_create_from_range"


def _counts() -> tuple[int, int]:
    return Fast.objects.count(), Day.objects.count()


def _range_form(church_id: int, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Dormition Fast",
        "church": church_id,
        "first_date": "2027-08-01",
        "last_date": "2027-08-14",
        "number_of_days": "",
        "description": "Two weeks before the feast.",
        "culmination_feast": "Dormition",
        "culmination_feast_date": "2027-08-15",
        "url": "https://example.org/dormition",
    }
    data.update(overrides)
    return data


def test_changelist_links_to_the_range_form(admin_client: Client) -> None:
    response = admin_client.get(reverse("admin:hub_fast_changelist"))
    assert response.status_code == 200
    assert reverse(CREATE_URL) in response.content.decode()
    assert admin_client.get(reverse(CREATE_URL)).status_code == 200


def test_create_from_range(admin_client: Client) -> None:
    church = make_church()
    response = admin_client.post(reverse(CREATE_URL), _range_form(church.pk))
    fast = Fast.objects.get(name="Dormition Fast", church=church)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:hub_fast_change", args=[fast.pk])
    dates = list(Day.objects.filter(fast=fast).order_by("date").values_list("date", flat=True))
    assert dates == [dt.date(2027, 8, 1) + dt.timedelta(days=n) for n in range(14)]
    assert (fast.first_day, fast.last_day, fast.day_count, fast.year) == (
        dt.date(2027, 8, 1),
        dt.date(2027, 8, 14),
        14,
        2027,
    )
    assert fast.culmination_feast_date == dt.date(2027, 8, 15)


def test_create_from_number_of_days(admin_client: Client) -> None:
    church = make_church()
    admin_client.post(reverse(CREATE_URL), _range_form(church.pk, last_date="", number_of_days="7"))
    fast = Fast.objects.get(church=church)
    assert (fast.first_day, fast.last_day, fast.day_count) == (
        dt.date(2027, 8, 1),
        dt.date(2027, 8, 7),
        7,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"last_date": "", "number_of_days": ""}, "exactly one"),
        ({"last_date": "", "number_of_days": "0"}, "greater than or equal to 1"),
        ({"last_date": "2027-08-14", "number_of_days": "3"}, "exactly one"),
        ({"last_date": "2027-07-31"}, "the range is reversed"),
        ({"first_date": "not-a-date"}, "Enter a valid date"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_create_refuses_bad_ranges(
    admin_client: Client, overrides: dict[str, str], message: str
) -> None:
    church = make_church()
    before = _counts()
    response = admin_client.post(reverse(CREATE_URL), _range_form(church.pk, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


def test_create_refuses_duplicate_name_church_year(admin_client: Client) -> None:
    church = make_church()
    make_fast(church=church, name="Dormition Fast", start=dt.date(2027, 1, 10), days=2)
    before = _counts()
    response = admin_client.post(
        reverse(CREATE_URL), _range_form(church.pk, culmination_feast_date="")
    )
    assert response.status_code == 200
    assert (
        "already has a fast named &quot;Dormition Fast&quot; in 2027" in response.content.decode()
    )
    assert _counts() == before


def test_create_refuses_a_second_fast_on_a_feast_date(admin_client: Client) -> None:
    church = make_church()
    make_fast(
        church=church,
        name="Other",
        start=dt.date(2027, 7, 1),
        days=2,
        culmination_feast_date=dt.date(2027, 8, 15),
    )
    before = _counts()
    response = admin_client.post(reverse(CREATE_URL), _range_form(church.pk))
    assert response.status_code == 200
    assert "culminating on 2027-08-15" in response.content.decode()
    assert _counts() == before


def _confirmation(html: str) -> str:
    """The value of the "Yes, I mean these dates" box the page shows (it names its warnings)."""
    match = re.search(r'name="confirm_dates" id="id_confirm_dates" value="([0-9a-f]+)"', html)
    assert match, "the page shows no confirmation box"
    return match.group(1)


def _copy_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Nativity Fast",
        "description": "Forty days.",
        "culmination_feast": "Nativity",
        "culmination_feast_date": "",
        "move_to": "year",
        "year": "2027",
        "first_date": "",
        "pattern": "offsets",
    }
    data.update(overrides)
    return data


def _nativity(church: Any) -> Fast:
    return make_fast(
        church=church,
        name="Nativity Fast",
        start=dt.date(2026, 11, 15),
        days=40,
        description="Forty days.",
        culmination_feast="Nativity",
        culmination_feast_date=dt.date(2026, 12, 25),
        url="https://example.org/nativity",
    )


def _dates(fast: Fast) -> list[dt.date]:
    return list(Day.objects.filter(fast=fast).order_by("date").values_list("date", flat=True))


def test_copy_to_a_new_year(admin_client: Client) -> None:
    church = make_church()
    source = _nativity(church)
    url = reverse("admin:hub_fast_copy", args=[source.pk])
    change_page = admin_client.get(reverse("admin:hub_fast_change", args=[source.pk]))
    assert url in change_page.content.decode()
    page = admin_client.get(url).content.decode()
    # Prefilled with the source's texts and next year; a seasonal fast keeps its days.
    assert 'value="Nativity Fast"' in page
    assert 'name="year" value="2027"' in page
    assert re.search(r'value="offsets"[^>]*checked', page)

    response = admin_client.post(url, _copy_form(name="Nativity Fast", description="Advent."))
    assert response.status_code == 302, response.content.decode()[:3000]
    copy = Fast.objects.exclude(pk=source.pk).get()
    assert response["Location"] == reverse("admin:hub_fast_change", args=[copy.pk])
    assert (copy.church_id, copy.culmination_feast, copy.description, copy.url) == (
        church.pk,
        "Nativity",
        "Advent.",
        "https://example.org/nativity",
    )
    assert _dates(copy) == [dt.date(2027, 11, 15) + dt.timedelta(days=n) for n in range(40)]
    # The feast date moved along with the days.
    assert copy.culmination_feast_date == dt.date(2027, 12, 25)
    assert copy.year == 2027


def test_copy_a_weekly_fast_to_next_year_keeps_its_weekdays(admin_client: Client) -> None:
    church = make_church()
    free = {dt.date(2027, 1, 6) + dt.timedelta(days=n) for n in range(8)}
    year_2027 = [dt.date(2027, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    weekly = [d for d in year_2027 if d.weekday() in (2, 4) and d not in free]
    source = make_fast(
        church=church,
        name="Wednesday and Friday Fasts",
        dates=weekly,
        description="Wednesdays and Fridays",
    )
    url = reverse("admin:hub_fast_copy", args=[source.pk])
    page = admin_client.get(url).content.decode()
    assert "on Wednesdays and Fridays (a weekly fast)" in page
    assert re.search(r'value="weekdays"[^>]*checked', page)  # detected from the source
    response = admin_client.post(
        url,
        _copy_form(
            name="Wednesday and Friday Fasts",
            description="Wednesdays and Fridays of 2028",
            culmination_feast="",
            year="2028",
            pattern="weekdays",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    copy = Fast.objects.get(name="Wednesday and Friday Fasts", year=2028)
    dates = _dates(copy)
    year_2028 = [dt.date(2028, 1, 1) + dt.timedelta(days=n) for n in range(366)]
    assert dates == [d for d in year_2028 if d.weekday() in (2, 4)]
    assert len(dates) < 110  # not the 351 days a copy by range made
    assert copy.description == "Wednesdays and Fridays of 2028"


def test_copy_to_a_new_first_date_with_an_edited_feast(admin_client: Client) -> None:
    source = _nativity(make_church())
    response = admin_client.post(
        reverse("admin:hub_fast_copy", args=[source.pk]),
        _copy_form(
            move_to="first_date",
            year="",
            first_date="2027-11-28",
            culmination_feast="Theophany",
            culmination_feast_date="2028-01-06",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    copy = Fast.objects.exclude(pk=source.pk).get()
    assert (copy.first_day, copy.last_day, copy.day_count) == (
        dt.date(2027, 11, 28),
        dt.date(2028, 1, 6),
        40,
    )
    # The last day is the feast day itself: allowed, only days after it need confirming.
    assert (copy.culmination_feast, copy.culmination_feast_date) == (
        "Theophany",
        dt.date(2028, 1, 6),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": ""}, "Give the year to copy the fast to."),
        ({"move_to": "first_date", "year": ""}, "Give the date the copy starts on."),
        ({"pattern": "sideways"}, "Select a valid choice"),
        # Same year as the source: same name, church and year.
        ({"year": "2026"}, "in 2026"),
        # Another fast of the church culminates on that date.
        ({"culmination_feast_date": "2027-02-01"}, "culminating on 2027-02-01"),
    ],
)
def test_copy_refuses_bad_input(admin_client: Client, data: dict[str, str], message: str) -> None:
    church = make_church()
    source = _nativity(church)
    make_fast(
        church=church,
        name="Other",
        start=dt.date(2027, 1, 20),
        days=3,
        culmination_feast_date=dt.date(2027, 2, 1),
    )
    before = _counts()
    form = _copy_form(**data)
    if message.startswith("culminating"):
        # A feast date before the copy's days: confirmed, so the clash is what refuses it.
        first = admin_client.post(reverse("admin:hub_fast_copy", args=[source.pk]), form)
        form["confirm_dates"] = _confirmation(first.content.decode())
    response = admin_client.post(reverse("admin:hub_fast_copy", args=[source.pk]), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


def test_copy_of_a_fast_without_days_is_refused(admin_client: Client) -> None:
    source = make_fast(church=make_church(), name="Empty")
    before = _counts()
    url = reverse("admin:hub_fast_copy", args=[source.pk])
    assert "has no days: there is nothing to copy" in admin_client.get(url).content.decode()
    response = admin_client.post(url, _copy_form(name="Empty"))
    assert "The fast has no days to copy." in response.content.decode()
    assert _counts() == before


# --- Dates to confirm ----------------------------------------------------------------------------


def test_create_with_days_after_the_feast_needs_confirmation(admin_client: Client) -> None:
    church = make_church()
    data = _range_form(church.pk, last_date="2027-08-17")  # the feast is on the 15th
    before = _counts()
    refused = admin_client.post(reverse(CREATE_URL), data)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Some dates need your confirmation" in html
    assert (
        "2 dates are after the culmination feast (2027-08-15): Mon 2027-08-16, Tue 2027-08-17"
        in html
    )
    assert "Yes, I mean these dates" in html
    assert _counts() == before

    # A box confirming other warnings does not confirm these.
    data["confirm_dates"] = "0123456789abcdef"
    assert admin_client.post(reverse(CREATE_URL), data).status_code == 200
    assert _counts() == before

    data["confirm_dates"] = _confirmation(html)
    response = admin_client.post(reverse(CREATE_URL), data)
    assert response.status_code == 302
    assert Fast.objects.get(church=church).last_day == dt.date(2027, 8, 17)


def test_create_with_weekdays(admin_client: Client) -> None:
    church = make_church()
    data = _range_form(
        church.pk,
        name="Wednesday and Friday Fasts",
        first_date="2027-01-01",
        last_date="2027-12-31",
        culmination_feast="",
        culmination_feast_date="",
    )
    page = admin_client.get(reverse(CREATE_URL)).content.decode()
    assert 'name="weekdays" value="2"' in page
    response = admin_client.post(reverse(CREATE_URL), {**data, "weekdays": ["2", "4"]})
    assert response.status_code == 302, response.content.decode()[:3000]
    fast = Fast.objects.get(church=church)
    dates = _dates(fast)
    assert {d.weekday() for d in dates} == {2, 4}
    assert len(dates) == 105


def test_range_form_marks_required_fields_and_aligns_labels(admin_client: Client) -> None:
    html = admin_client.get(reverse(CREATE_URL)).content.decode()
    assert '<label class="required" for="id_name">Name:</label>' in html
    assert '<label class="required" for="id_first_date">First date:</label>' in html
    assert '<label for="id_last_date">Last date:</label>' in html
    assert html.count('class="module aligned') == 3  # the admin's aligned fieldsets


def test_copy_action_needs_exactly_one_fast(admin_client: Client) -> None:
    church = make_church()
    first = make_fast(church=church, start=dt.date(2027, 1, 1), days=1)
    second = make_fast(church=church, start=dt.date(2027, 2, 1), days=1)
    changelist = reverse("admin:hub_fast_changelist")

    one = admin_client.post(
        changelist, {"action": "copy_to_new_dates", "_selected_action": [first.pk]}
    )
    assert one.status_code == 302
    assert one["Location"] == reverse("admin:hub_fast_copy", args=[first.pk])

    two = admin_client.post(
        changelist,
        {"action": "copy_to_new_dates", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "Select exactly one fast to copy." in two.content.decode()


def test_range_views_need_staff(client: Client, django_user_model: Any) -> None:
    django_user_model.objects.create_user(username="plain@example.org", password="x-Strong-1")
    client.login(username="plain@example.org", password="x-Strong-1")
    response = client.get(reverse(CREATE_URL))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _change_form(fast: Fast, days: list[tuple[int | None, str, bool]]) -> dict[str, Any]:
    """The change form's POST data, with the day inline rows (id, date, delete)."""
    data: dict[str, Any] = {
        "name": fast.name,
        "church": fast.church_id,
        "description": fast.description or "",
        "culmination_feast": "",
        "culmination_feast_date": "",
        "url": "",
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": str(sum(1 for day_id, _, _ in days if day_id)),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for index, (day_id, date, delete) in enumerate(days):
        data[f"days-{index}-id"] = day_id or ""
        data[f"days-{index}-fast"] = fast.pk
        data[f"days-{index}-date"] = date
        if delete:
            data[f"days-{index}-DELETE"] = "on"
    return data


def test_inline_day_edits_keep_the_summary_exact(admin_client: Client) -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 3, 1), days=3)
    day1, day2, day3 = Day.objects.filter(fast=fast).order_by("date")
    url = reverse("admin:hub_fast_change", args=[fast.pk])
    assert admin_client.get(url).status_code == 200
    data = _change_form(
        fast,
        [
            (day1.pk, "2026-12-31", False),  # moved to the previous year
            (day2.pk, "2027-03-02", False),
            (day3.pk, "2027-03-03", True),  # deleted
            (None, "2027-04-10", False),  # added
        ],
    )
    # Both new dates are outside the fast's run (March 1 to 3): confirmed, they are saved.
    refused = admin_client.post(url, data)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert (
        "2 dates are outside the fast&#x27;s current run (2027-03-01 to 2027-03-03): "
        "Thu 2026-12-31, Sat 2027-04-10."
    ) in html
    fast.refresh_from_db()
    assert fast.day_count == 3

    data["confirm_dates"] = _confirmation(html)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fast.refresh_from_db()
    assert (fast.first_day, fast.last_day, fast.day_count, fast.year) == (
        dt.date(2026, 12, 31),
        dt.date(2027, 4, 10),
        3,
        2026,
    )
    assert set(Day.objects.filter(fast=fast).values_list("church_id", flat=True)) == {church.pk}


def test_a_day_typed_with_the_wrong_year_is_saved_only_when_confirmed(
    admin_client: Client,
) -> None:
    church = make_church()
    fast = make_fast(
        church=church,
        name="Advent",
        start=dt.date(2026, 12, 10),
        days=15,
        culmination_feast_date=dt.date(2026, 12, 25),
    )
    days = [(d.pk, d.date.isoformat(), False) for d in Day.objects.filter(fast=fast)]
    data = _change_form(fast, [*days, (None, "2027-01-02", False)])
    data["culmination_feast_date"] = "2026-12-25"
    url = reverse("admin:hub_fast_change", args=[fast.pk])

    refused = admin_client.post(url, data)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Some dates need your confirmation" in html
    assert "outside the fast&#x27;s current run (2026-12-10 to 2026-12-24): Sat 2027-01-02" in html
    assert "after the culmination feast (2026-12-25): Sat 2027-01-02" in html
    fast.refresh_from_db()
    assert (fast.last_day, fast.day_count) == (dt.date(2026, 12, 24), 15)

    data["confirm_dates"] = _confirmation(html)
    assert admin_client.post(url, data).status_code == 302
    fast.refresh_from_db()
    assert (fast.last_day, fast.day_count) == (dt.date(2027, 1, 2), 16)


def test_moving_the_feast_before_existing_days_needs_confirmation(admin_client: Client) -> None:
    fast = make_fast(
        church=make_church(),
        start=dt.date(2027, 3, 1),
        days=5,
        culmination_feast_date=dt.date(2027, 3, 6),
    )
    data = _change_form(fast, [(d.pk, d.date.isoformat(), False) for d in fast.days.all()])
    data["culmination_feast_date"] = "2027-03-04"
    url = reverse("admin:hub_fast_change", args=[fast.pk])
    refused = admin_client.post(url, data)
    assert "after the culmination feast (2027-03-04): Fri 2027-03-05." in refused.content.decode()
    fast.refresh_from_db()
    assert fast.culmination_feast_date == dt.date(2027, 3, 6)
    data["confirm_dates"] = _confirmation(refused.content.decode())
    assert admin_client.post(url, data).status_code == 302
    fast.refresh_from_db()
    assert fast.culmination_feast_date == dt.date(2027, 3, 4)
    # Saved again unchanged: nothing new to confirm.
    data.pop("confirm_dates")
    assert admin_client.post(url, data).status_code == 302


def test_a_fast_left_without_days_needs_confirmation(admin_client: Client) -> None:
    fast = make_fast(church=make_church(), start=dt.date(2027, 3, 1), days=2)
    data = _change_form(fast, [(d.pk, d.date.isoformat(), True) for d in fast.days.all()])
    url = reverse("admin:hub_fast_change", args=[fast.pk])
    refused = admin_client.post(url, data)
    assert "The fast has no days: it shows in no calendar until it has some." in (
        refused.content.decode()
    )
    assert Day.objects.filter(fast=fast).count() == 2
    data["confirm_dates"] = _confirmation(refused.content.decode())
    assert admin_client.post(url, data).status_code == 302
    fast.refresh_from_db()
    assert (fast.day_count, fast.first_day) == (0, None)


def test_inline_refuses_days_that_clash_with_another_fasts_year(admin_client: Client) -> None:
    church = make_church()
    make_fast(church=church, name="Lent", start=dt.date(2026, 3, 1), days=2)
    fast = make_fast(church=church, name="Lent", start=dt.date(2027, 3, 1), days=1)
    (day,) = Day.objects.filter(fast=fast)
    response = admin_client.post(
        reverse("admin:hub_fast_change", args=[fast.pk]),
        _change_form(fast, [(day.pk, "2027-03-01", False), (None, "2026-12-01", False)]),
    )
    assert response.status_code == 200
    assert "already has a fast named &quot;Lent&quot; in 2026" in response.content.decode()
    fast.refresh_from_db()
    assert (fast.day_count, fast.year) == (1, 2027)


def test_moving_a_fast_to_another_church_moves_its_days(admin_client: Client) -> None:
    old, new = make_church(), make_church()
    fast = make_fast(church=old, start=dt.date(2027, 3, 1), days=2)
    days = list(Day.objects.filter(fast=fast).order_by("date"))
    data = _change_form(fast, [(d.pk, d.date.isoformat(), False) for d in days])
    data["church"] = new.pk
    response = admin_client.post(reverse("admin:hub_fast_change", args=[fast.pk]), data)
    assert response.status_code == 302
    assert set(Day.objects.filter(fast=fast).values_list("church_id", flat=True)) == {new.pk}


def test_stored_fields_are_read_only(admin_client: Client) -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 3, 1), days=2)
    data = _change_form(fast, [])
    data.update({"day_count": "99", "participant_count": "50", "year": "1999"})
    data["days-TOTAL_FORMS"] = "0"
    admin_client.post(reverse("admin:hub_fast_change", args=[fast.pk]), data)
    fast.refresh_from_db()
    assert (fast.day_count, fast.participant_count, fast.year) == (2, 0, 2027)


def _add_form(dates: list[str], church_id: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Parish fast",
        "church": church_id,
        "description": "",
        "culmination_feast": "",
        "culmination_feast_date": "",
        "url": "",
        "days-TOTAL_FORMS": str(len(dates)),
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    data.update({f"days-{index}-date": date for index, date in enumerate(dates)})
    return data


def test_add_page_with_inline_days(admin_client: Client) -> None:
    church = make_church()
    response = admin_client.post(
        reverse("admin:hub_fast_add"), _add_form(["2027-05-03", "2027-05-01"], church.pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fast = Fast.objects.get(name="Parish fast")
    assert (fast.first_day, fast.last_day, fast.day_count, fast.year) == (
        dt.date(2027, 5, 1),
        dt.date(2027, 5, 3),
        2,
        2027,
    )
    assert set(Day.objects.filter(fast=fast).values_list("church_id", flat=True)) == {church.pk}


def test_a_fast_added_without_days_needs_confirmation_and_is_flagged(
    admin_client: Client,
) -> None:
    church = make_church()
    data = _add_form([], church.pk)
    refused = admin_client.post(reverse("admin:hub_fast_add"), data)
    assert refused.status_code == 200
    assert "The fast has no days" in refused.content.decode()
    assert not Fast.objects.exists()

    data["confirm_dates"] = _confirmation(refused.content.decode())
    assert admin_client.post(reverse("admin:hub_fast_add"), data).status_code == 302
    fast = Fast.objects.get(name="Parish fast")
    assert fast.day_count == 0
    make_fast(church=church, name="With days", start=dt.date(2027, 5, 1), days=2)

    changelist = reverse("admin:hub_fast_changelist")
    page = admin_client.get(changelist).content.decode()
    assert '<td class="field-days"><strong class="fast-no-days">no days</strong></td>' in page
    only_empty = admin_client.get(changelist, {"days": "none"}).content.decode()
    assert "Parish fast" in only_empty
    assert "With days" not in only_empty
    with_days = admin_client.get(changelist, {"days": "some"}).content.decode()
    assert "Parish fast" not in with_days
    assert "With days" in with_days


def test_inline_refuses_the_same_date_twice(admin_client: Client) -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 3, 1), days=1)
    (day,) = Day.objects.filter(fast=fast)
    response = admin_client.post(
        reverse("admin:hub_fast_change", args=[fast.pk]),
        _change_form(fast, [(day.pk, "2027-03-01", False), (None, "2027-03-01", False)]),
    )
    assert response.status_code == 200
    assert Day.objects.filter(fast=fast).count() == 1
