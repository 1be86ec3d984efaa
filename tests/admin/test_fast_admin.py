"""The staff admin's fast pages: create from a date range, copy to new dates, the day inline."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hub.models import Day, Fast
from tests.factories import ChurchFactory, make_fast

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
    church = ChurchFactory()
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
    church = ChurchFactory()
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
    church = ChurchFactory()
    before = _counts()
    response = admin_client.post(reverse(CREATE_URL), _range_form(church.pk, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


def test_create_refuses_duplicate_name_church_year(admin_client: Client) -> None:
    church = ChurchFactory()
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
    church = ChurchFactory()
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


def test_copy_view(admin_client: Client) -> None:
    church = ChurchFactory()
    source = make_fast(
        church=church,
        name="Nativity Fast",
        start=dt.date(2026, 11, 15),
        days=40,
        culmination_feast="Nativity",
        culmination_feast_date=dt.date(2026, 12, 25),
    )
    url = reverse("admin:hub_fast_copy", args=[source.pk])
    change_page = admin_client.get(reverse("admin:hub_fast_change", args=[source.pk]))
    assert url in change_page.content.decode()

    response = admin_client.post(
        url,
        {
            "first_date": "2027-11-15",
            "last_date": "2027-12-24",
            "number_of_days": "",
            "culmination_feast_date": "2027-12-25",
        },
    )
    assert response.status_code == 302
    copy = Fast.objects.exclude(pk=source.pk).get()
    assert (copy.name, copy.church_id, copy.culmination_feast) == (
        "Nativity Fast",
        church.pk,
        "Nativity",
    )
    assert Day.objects.filter(fast=copy).count() == 40
    assert Day.objects.filter(fast=copy).values("date").distinct().count() == 40
    assert (copy.first_day, copy.last_day, copy.year) == (
        dt.date(2027, 11, 15),
        dt.date(2027, 12, 24),
        2027,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"first_date": "2027-11-15", "last_date": "2027-11-01"}, "the range is reversed"),
        ({"first_date": "2027-11-15"}, "exactly one"),
        # Same year as the source: same name, church and year.
        ({"first_date": "2026-01-10", "number_of_days": "3"}, "in 2026"),
        # The source's own feast date.
        (
            {
                "first_date": "2027-01-10",
                "number_of_days": "3",
                "culmination_feast_date": "2026-12-25",
            },
            "culminating on 2026-12-25",
        ),
    ],
)
def test_copy_refuses_bad_input(admin_client: Client, data: dict[str, str], message: str) -> None:
    church = ChurchFactory()
    source = make_fast(
        church=church,
        name="Nativity Fast",
        start=dt.date(2026, 11, 15),
        days=40,
        culmination_feast_date=dt.date(2026, 12, 25),
    )
    before = _counts()
    form = {"last_date": "", "number_of_days": "", "culmination_feast_date": "", **data}
    response = admin_client.post(reverse("admin:hub_fast_copy", args=[source.pk]), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _counts() == before


def test_copy_action_needs_exactly_one_fast(admin_client: Client) -> None:
    church = ChurchFactory()
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
    church = ChurchFactory()
    fast = make_fast(church=church, start=dt.date(2027, 3, 1), days=3)
    day1, day2, day3 = Day.objects.filter(fast=fast).order_by("date")
    url = reverse("admin:hub_fast_change", args=[fast.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url,
        _change_form(
            fast,
            [
                (day1.pk, "2026-12-31", False),  # moved to the previous year
                (day2.pk, "2027-03-02", False),
                (day3.pk, "2027-03-03", True),  # deleted
                (None, "2027-04-10", False),  # added
            ],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fast.refresh_from_db()
    assert (fast.first_day, fast.last_day, fast.day_count, fast.year) == (
        dt.date(2026, 12, 31),
        dt.date(2027, 4, 10),
        3,
        2026,
    )
    assert set(Day.objects.filter(fast=fast).values_list("church_id", flat=True)) == {church.pk}


def test_inline_refuses_days_that_clash_with_another_fasts_year(admin_client: Client) -> None:
    church = ChurchFactory()
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
    old, new = ChurchFactory(), ChurchFactory()
    fast = make_fast(church=old, start=dt.date(2027, 3, 1), days=2)
    days = list(Day.objects.filter(fast=fast).order_by("date"))
    data = _change_form(fast, [(d.pk, d.date.isoformat(), False) for d in days])
    data["church"] = new.pk
    response = admin_client.post(reverse("admin:hub_fast_change", args=[fast.pk]), data)
    assert response.status_code == 302
    assert set(Day.objects.filter(fast=fast).values_list("church_id", flat=True)) == {new.pk}


def test_stored_fields_are_read_only(admin_client: Client) -> None:
    church = ChurchFactory()
    fast = make_fast(church=church, start=dt.date(2027, 3, 1), days=2)
    data = _change_form(fast, [])
    data.update({"day_count": "99", "participant_count": "50", "year": "1999"})
    data["days-TOTAL_FORMS"] = "0"
    admin_client.post(reverse("admin:hub_fast_change", args=[fast.pk]), data)
    fast.refresh_from_db()
    assert (fast.day_count, fast.participant_count, fast.year) == (2, 0, 2027)


def test_add_page_with_inline_days(admin_client: Client) -> None:
    church = ChurchFactory()
    data: dict[str, Any] = {
        "name": "Parish fast",
        "church": church.pk,
        "description": "",
        "culmination_feast": "",
        "culmination_feast_date": "",
        "url": "",
        "days-TOTAL_FORMS": "2",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-05-03",
        "days-1-date": "2027-05-01",
    }
    response = admin_client.post(reverse("admin:hub_fast_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fast = Fast.objects.get(name="Parish fast")
    assert (fast.first_day, fast.last_day, fast.day_count, fast.year) == (
        dt.date(2027, 5, 1),
        dt.date(2027, 5, 3),
        2,
        2027,
    )
    assert set(Day.objects.filter(fast=fast).values_list("church_id", flat=True)) == {church.pk}


def test_inline_refuses_the_same_date_twice(admin_client: Client) -> None:
    church = ChurchFactory()
    fast = make_fast(church=church, start=dt.date(2027, 3, 1), days=1)
    (day,) = Day.objects.filter(fast=fast)
    response = admin_client.post(
        reverse("admin:hub_fast_change", args=[fast.pk]),
        _change_form(fast, [(day.pk, "2027-03-01", False), (None, "2027-03-01", False)]),
    )
    assert response.status_code == 200
    assert Day.objects.filter(fast=fast).count() == 1
