"""The Fast representation (docs/API.md §4.1): key order, every computed field, countdown strings,
and which day "today" is for the caller (docs/API.md §1.4)."""

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church, Fast
from hub.services.memberships import fast_join
from tests.support.clock import frozen_at, iso
from tests.support.factories import make_church, make_fast, make_user
from tests.support.responses import FAST_KEYS, detail_of, ok

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]

TOMORROW = dt.date(2026, 3, 11)


def detail(client: APIClient, fast: Fast, **params: str) -> dict:
    return ok(client.get(f"/api/fasts/{fast.pk}/", params))


def test_every_field_of_a_fast_in_progress(
    client_for: Client, church: Church, member: User
) -> None:
    fast = make_fast(
        church=church, start=dt.date(2026, 3, 8), days=5, name="Lent", url="https://x.org/l"
    )
    fast_join(profile=member.profile, fast_id=fast.pk)
    fast_join(profile=make_user(church=church).profile, fast_id=fast.pk)

    body = detail(client_for(member), fast)

    expected = {
        "id": fast.pk,
        "name": "Lent",
        "church": {"id": church.pk, "name": "Saint Gregory"},
        "description": "A fast.",
        "culmination_feast": None,
        "culmination_feast_date": None,
        "year": 2026,
        "image": None,
        "thumbnail": None,
        "url": "https://x.org/l",
        "participant_count": 2,
        "countdown": "<span class='days_to_finish'>3</span> days until the end of Lent",
        "days_to_feast": None,
        "start_date": "2026-03-08",
        "end_date": "2026-03-12",
        "joined": True,
        "has_passed": False,
        "next_fast_date": "2026-03-10",
        "total_number_of_days": 5,
        "current_day_number": 3,
        "modal_id": f"fastModal_{fast.pk}",
    }
    assert body == expected
    assert list(body) == list(expected) == FAST_KEYS  # the contract's order


def test_before_the_fast_starts(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, start=dt.date(2026, 3, 15), days=3, name="Advent")

    body = detail(api_client, fast)

    assert body["start_date"] == "2026-03-15"
    assert body["end_date"] == "2026-03-17"
    assert body["current_day_number"] == 0
    assert body["next_fast_date"] == "2026-03-15"
    assert body["has_passed"] is False
    assert body["total_number_of_days"] == 3
    assert body["countdown"] == "<span class='days_to_finish'>8</span> days until the end of Advent"
    assert body["participant_count"] == 0


def test_after_the_fast_ended(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, start=dt.date(2026, 2, 28), days=3, name="Nineveh")

    body = detail(api_client, fast)

    assert body["end_date"] == "2026-03-02"
    assert body["current_day_number"] == 3
    assert body["next_fast_date"] is None
    assert body["has_passed"] is True
    assert body["countdown"] == "Nineveh has passed"
    assert body["days_to_feast"] is None


def test_weekly_fast_with_gaps_counts_and_finds_the_next_day(
    api_client: APIClient, church: Church
) -> None:
    dates = [dt.date(2026, 3, d) for d in (4, 6, 11, 13, 18)]
    fast = make_fast(church=church, dates=dates, name="Wednesdays and Fridays")

    body = detail(api_client, fast)

    assert body["current_day_number"] == 2
    assert body["next_fast_date"] == "2026-03-11"
    assert body["total_number_of_days"] == 5
    assert body["start_date"] == "2026-03-04"
    assert body["end_date"] == "2026-03-18"
    assert body["has_passed"] is False


def test_weekly_fast_on_one_of_its_days(api_client: APIClient, church: Church) -> None:
    dates = [dt.date(2026, 3, d) for d in (3, 10, 17)]
    fast = make_fast(church=church, dates=dates)

    body = detail(api_client, fast)

    assert body["current_day_number"] == 2
    assert body["next_fast_date"] == "2026-03-10"


def test_year_is_the_year_of_the_earliest_day(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, start=dt.date(2025, 12, 30), days=4)

    body = detail(api_client, fast)

    assert body["year"] == 2025
    assert body["end_date"] == "2026-01-02"


def test_joined_is_per_caller(client_for: Client, church: Church, member: User) -> None:
    fast = make_fast(church=church, start=dt.date(2026, 3, 9), days=2)
    fast_join(profile=member.profile, fast_id=fast.pk)
    other = make_user(church=church)

    assert detail(client_for(member), fast)["joined"] is True
    assert detail(client_for(other), fast)["joined"] is False
    assert detail(APIClient(), fast)["joined"] is False
    # and once more in the other order, so no cached value is shared between callers
    assert detail(client_for(other), fast)["joined"] is False
    assert detail(client_for(member), fast)["joined"] is True


def test_no_days_at_all(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, name="Empty")

    body = detail(api_client, fast)

    assert body["countdown"] == "No days available for Empty"
    assert body["start_date"] is None
    assert body["end_date"] is None
    assert body["next_fast_date"] is None
    assert body["total_number_of_days"] == 0
    assert body["current_day_number"] == 0
    assert body["has_passed"] is False
    assert body["year"] is None
    assert body["days_to_feast"] is None


@pytest.mark.parametrize(
    ("last_day", "countdown"),
    [
        (dt.date(2026, 3, 10), "<span class='days_to_finish'>1</span> day until the end of Lent"),
        (dt.date(2026, 3, 9), "Lent has passed"),
        (dt.date(2026, 3, 1), "Lent has passed"),
        (dt.date(2026, 3, 12), "<span class='days_to_finish'>3</span> days until the end of Lent"),
        (dt.date(2026, 3, 11), "<span class='days_to_finish'>2</span> days until the end of Lent"),
    ],
    ids=["last-day", "day-after", "long-after", "two-days-before-end", "one-day-before-end"],
)
def test_countdown_to_the_end(
    api_client: APIClient, church: Church, last_day: dt.date, countdown: str
) -> None:
    fast = make_fast(church=church, start=last_day - dt.timedelta(days=6), days=7, name="Lent")

    body = detail(api_client, fast)

    assert body["countdown"] == countdown
    assert body["days_to_feast"] is None
    assert body["has_passed"] is (last_day < dt.date(2026, 3, 10))


@pytest.mark.parametrize(
    ("feast_date", "countdown", "days_to_feast"),
    [
        (dt.date(2026, 3, 10), "<span class='days_to_finish'>0</span> days until Easter", 0),
        (dt.date(2026, 3, 11), "<span class='days_to_finish'>1</span> day until Easter", 1),
        (dt.date(2026, 3, 20), "<span class='days_to_finish'>10</span> days until Easter", 10),
        (dt.date(2026, 3, 9), "Easter has passed", None),
    ],
    ids=["feast-today", "feast-tomorrow", "feast-in-ten-days", "feast-yesterday"],
)
def test_countdown_to_the_feast(
    api_client: APIClient,
    church: Church,
    feast_date: dt.date,
    countdown: str,
    days_to_feast: int | None,
) -> None:
    fast = make_fast(
        church=church,
        start=dt.date(2026, 3, 1),
        days=5,
        name="Great Lent",
        culmination_feast="Easter",
        culmination_feast_date=feast_date,
    )

    body = detail(api_client, fast)

    assert body["countdown"] == countdown
    assert body["days_to_feast"] == days_to_feast
    assert body["culmination_feast"] == "Easter"
    assert body["culmination_feast_date"] == feast_date.isoformat()


def test_feast_date_without_feast_name_counts_to_the_end(
    api_client: APIClient, church: Church
) -> None:
    fast = make_fast(
        church=church,
        start=dt.date(2026, 3, 10),
        days=2,
        name="Lent",
        culmination_feast_date=TOMORROW,
    )

    body = detail(api_client, fast)

    assert body["countdown"] == "<span class='days_to_finish'>2</span> days until the end of Lent"
    assert body["days_to_feast"] is None


def test_feast_name_without_date_counts_to_the_end(api_client: APIClient, church: Church) -> None:
    fast = make_fast(
        church=church, start=dt.date(2026, 3, 10), days=1, name="Lent", culmination_feast="X"
    )

    body = detail(api_client, fast)

    assert body["countdown"] == "<span class='days_to_finish'>1</span> day until the end of Lent"
    assert body["days_to_feast"] is None


# --- Which day is "today" ------------------------------------------------------------------------

LA = ZoneInfo("America/Los_Angeles")
# 23:30 on 15 January in Los Angeles is already 07:30 on the 16th in UTC.
LATE_EVENING_IN_LA = dt.datetime(2026, 1, 15, 23, 30, tzinfo=LA)
LA_DATE = dt.date(2026, 1, 15)


@pytest.fixture
def one_day_fast(church: Church) -> Fast:
    """A fast whose only day is the Los Angeles date: ongoing there, over in UTC."""
    return make_fast(church=church, dates=[LA_DATE], name="Vigil")


LA_VIEW = {
    "countdown": "<span class='days_to_finish'>1</span> day until the end of Vigil",
    "has_passed": False,
    "next_fast_date": "2026-01-15",
    "current_day_number": 1,
}
UTC_VIEW = {
    "countdown": "Vigil has passed",
    "has_passed": True,
    "next_fast_date": None,
    "current_day_number": 1,
}


def view(body: dict) -> dict:
    return {key: body[key] for key in LA_VIEW}


def test_the_moment_is_what_the_test_says() -> None:
    assert LATE_EVENING_IN_LA.astimezone(dt.UTC) == dt.datetime(2026, 1, 16, 7, 30, tzinfo=dt.UTC)


def test_tz_parameter_sets_today(api_client: APIClient, one_day_fast: Fast) -> None:
    with frozen_at(LATE_EVENING_IN_LA):
        assert view(detail(api_client, one_day_fast, tz="America/Los_Angeles")) == LA_VIEW
        assert view(detail(api_client, one_day_fast)) == UTC_VIEW
        assert view(detail(api_client, one_day_fast, tz="UTC")) == UTC_VIEW


def test_profile_time_zone_sets_today_without_tz(
    client_for: Client, church: Church, one_day_fast: Fast
) -> None:
    in_utc = make_user(church=church, timezone="UTC")
    in_la = make_user(church=church, timezone="America/Los_Angeles")

    with frozen_at(LATE_EVENING_IN_LA):
        assert view(detail(client_for(in_utc), one_day_fast)) == UTC_VIEW
        assert view(detail(client_for(in_la), one_day_fast)) == LA_VIEW
        # the parameter wins over the profile
        assert view(detail(client_for(in_la), one_day_fast, tz="UTC")) == UTC_VIEW
        assert view(detail(client_for(in_utc), one_day_fast, tz="America/Los_Angeles")) == LA_VIEW


def test_time_zone_also_sets_today_in_the_list(
    client_for: Client, church: Church, one_day_fast: Fast
) -> None:
    in_la = make_user(church=church, timezone="America/Los_Angeles")
    with frozen_at(LATE_EVENING_IN_LA):
        (la_item,) = ok(client_for(in_la).get("/api/fasts/"))
        (utc_item,) = ok(APIClient().get("/api/fasts/", {"church_id": church.pk}))
    assert view(la_item) == LA_VIEW
    assert view(utc_item) == UTC_VIEW


@pytest.mark.parametrize("tz", ["Mars/Olympus", "EST5EDT-nope", "../../etc/passwd", "utc ", " "])
@pytest.mark.parametrize(
    "path",
    [
        "/api/fasts/{fast}/",
        "/api/fasts/",
        "/api/fasts/by-date/",
        "/api/fasts/by-feast-date/?date=2026-03-10",
        "/api/fasts/stats/",
        "/api/fast/",
        "/api/user/fasts/",
    ],
)
def test_unknown_time_zone_is_400(
    client_for: Client, member: User, church: Church, tz: str, path: str
) -> None:
    fast = make_fast(church=church, start=dt.date(2026, 3, 10), days=1)
    url = path.format(fast=fast.pk)

    response = client_for(member).get(url, {"tz": tz})

    assert detail_of(response, 400)


def test_known_time_zone_names_are_accepted(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, start=dt.date(2026, 3, 10), days=1)
    for tz in ("Asia/Yerevan", "Europe/Paris", "UTC", "America/New_York"):
        assert detail(api_client, fast, tz=tz)["id"] == fast.pk


def test_other_church_name_is_shown(api_client: APIClient) -> None:
    other = make_church(name="Other church")
    fast = make_fast(church=other, start=dt.date(2026, 3, 10), days=1)
    assert detail(api_client, fast)["church"] == {"id": other.pk, "name": "Other church"}


def test_date_fields_use_iso_format(api_client: APIClient, church: Church) -> None:
    fast = make_fast(
        church=church, start=dt.date(2026, 3, 10), days=1, culmination_feast_date=TOMORROW
    )
    body = detail(api_client, fast)
    assert body["start_date"] == iso(0)
    assert body["culmination_feast_date"] == iso(1)
