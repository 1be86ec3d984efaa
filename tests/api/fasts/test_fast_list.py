"""GET /api/fasts/ (church context, date range, order, fields over all days) and
GET /api/fasts/<id>/ (docs/API.md §3.5)."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church
from hub.services.memberships import fast_join
from tests.support.clock import day, iso
from tests.support.factories import make_church, make_fast, make_user
from tests.support.responses import FAST_KEYS, detail_of, error_body, ok

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]


def ids(body: list[dict]) -> list[int]:
    return [item["id"] for item in body]


# --- Church context ---------------------------------------------------------------------------


def test_authenticated_caller_sees_their_profile_church_and_church_id_is_ignored(
    client_for: Client, church: Church, member: User
) -> None:
    mine = make_fast(church=church, start=day(0), days=2)
    other_church = make_church(name="Elsewhere")
    make_fast(church=other_church, start=day(0), days=2)

    client = client_for(member)
    assert ids(ok(client.get("/api/fasts/"))) == [mine.pk]
    assert ids(ok(client.get("/api/fasts/", {"church_id": other_church.pk}))) == [mine.pk]
    assert ids(ok(client.get("/api/fasts/", {"church_id": "not-a-number"}))) == [mine.pk]


def test_authenticated_caller_without_church_is_400(client_for: Client, church: Church) -> None:
    make_fast(church=church, start=day(0), days=2)
    user = make_user(name="No church")

    response = client_for(user).get("/api/fasts/", {"church_id": church.pk})

    assert detail_of(response) == "No church associated with your profile."


def test_anonymous_caller_uses_church_id(api_client: APIClient, church: Church) -> None:
    mine = make_fast(church=church, start=day(0), days=2)
    make_fast(church=make_church(name="Elsewhere"), start=day(0), days=2)

    assert ids(ok(api_client.get("/api/fasts/", {"church_id": church.pk}))) == [mine.pk]


def test_anonymous_caller_without_church_id_is_400(api_client: APIClient) -> None:
    response = api_client.get("/api/fasts/")
    assert detail_of(response) == "church_id query parameter is required."


@pytest.mark.parametrize("church_id", ["999999", "0", "-3", "99999999999999999999999"])
def test_anonymous_caller_with_unknown_church_is_400(
    api_client: APIClient, church: Church, church_id: str
) -> None:
    response = api_client.get("/api/fasts/", {"church_id": church_id})
    assert detail_of(response) == "Church with the provided ID does not exist."


@pytest.mark.parametrize("church_id", ["abc", "1.5", "1e3", "0x1", " "])
def test_anonymous_caller_with_non_integer_church_id_is_400(
    api_client: APIClient, church: Church, church_id: str
) -> None:
    response = api_client.get("/api/fasts/", {"church_id": church_id})
    assert detail_of(response)


# --- Date range ---------------------------------------------------------------------------------


def test_default_range_is_180_days_either_side_inclusive(
    api_client: APIClient, church: Church
) -> None:
    make_fast(church=church, dates=[day(-181)], name="too early")
    first = make_fast(church=church, dates=[day(-180)], name="first day of range")
    last = make_fast(church=church, dates=[day(180)], name="last day of range")
    make_fast(church=church, dates=[day(181)], name="too late")
    middle = make_fast(church=church, dates=[day(0)], name="today")

    body = ok(api_client.get("/api/fasts/", {"church_id": church.pk}))

    assert ids(body) == [first.pk, middle.pk, last.pk]


def test_a_fast_straddling_the_default_range_edge_is_included(
    api_client: APIClient, church: Church
) -> None:
    straddling = make_fast(church=church, start=day(-185), days=10)

    body = ok(api_client.get("/api/fasts/", {"church_id": church.pk}))

    assert ids(body) == [straddling.pk]


def test_explicit_range_is_inclusive(api_client: APIClient, church: Church) -> None:
    before = make_fast(church=church, dates=[day(9)], name="before")
    on_start = make_fast(church=church, dates=[day(10)], name="on start")
    on_end = make_fast(church=church, dates=[day(20)], name="on end")
    after = make_fast(church=church, dates=[day(21)], name="after")

    body = ok(
        api_client.get(
            "/api/fasts/", {"church_id": str(church.pk), "start_date": iso(10), "end_date": iso(20)}
        )
    )
    assert ids(body) == [on_start.pk, on_end.pk]

    one_day = {"church_id": str(church.pk), "start_date": iso(9), "end_date": iso(9)}
    assert ids(ok(api_client.get("/api/fasts/", one_day))) == [before.pk]
    far = {"church_id": str(church.pk), "start_date": iso(400), "end_date": iso(500)}
    assert ok(api_client.get("/api/fasts/", far)) == []
    assert after.pk not in ids(body)


def test_only_start_date_keeps_the_default_end(api_client: APIClient, church: Church) -> None:
    make_fast(church=church, dates=[day(-10)], name="before start")
    inside = make_fast(church=church, dates=[day(100)], name="inside")
    make_fast(church=church, dates=[day(181)], name="after default end")

    body = ok(api_client.get("/api/fasts/", {"church_id": str(church.pk), "start_date": iso(-5)}))

    assert ids(body) == [inside.pk]


def test_only_end_date_keeps_the_default_start(api_client: APIClient, church: Church) -> None:
    make_fast(church=church, dates=[day(-181)], name="before default start")
    inside = make_fast(church=church, dates=[day(-100)], name="inside")
    make_fast(church=church, dates=[day(10)], name="after end")

    body = ok(api_client.get("/api/fasts/", {"church_id": str(church.pk), "end_date": iso(5)}))

    assert ids(body) == [inside.pk]


@pytest.mark.parametrize(
    "value",
    [
        "2026-13-45",
        "20261301",
        "",
        "2026-02-30",
        "tomorrow",
        "2026/03/10",
        "2026-3-1",
        "2026-W10-2",
    ],
)
@pytest.mark.parametrize("name", ["start_date", "end_date"])
def test_malformed_dates_are_400(
    api_client: APIClient, church: Church, name: str, value: str
) -> None:
    response = api_client.get("/api/fasts/", {"church_id": str(church.pk), name: value})
    assert detail_of(response)


def test_end_before_start_is_400(api_client: APIClient, church: Church) -> None:
    response = api_client.get(
        "/api/fasts/", {"church_id": str(church.pk), "start_date": iso(5), "end_date": iso(4)}
    )
    assert detail_of(response)


# --- Content --------------------------------------------------------------------------------------


def test_bare_array_ordered_by_start_date(api_client: APIClient, church: Church) -> None:
    late = make_fast(church=church, start=day(30), days=3, name="late")
    early = make_fast(church=church, start=day(-30), days=60, name="early and long")
    middle = make_fast(church=church, start=day(1), days=1, name="middle")

    body = ok(api_client.get("/api/fasts/", {"church_id": church.pk}))

    assert isinstance(body, list)
    assert ids(body) == [early.pk, middle.pk, late.pk]
    assert all(list(item) == FAST_KEYS for item in body)


def test_fields_cover_all_days_even_when_the_range_covers_part(
    client_for: Client, church: Church, member: User
) -> None:
    fast = make_fast(church=church, start=day(-5), days=11, name="Long")
    fast_join(profile=member.profile, fast_id=fast.pk)
    fast_join(profile=make_user(church=church).profile, fast_id=fast.pk)

    (item,) = ok(client_for(member).get("/api/fasts/", {"start_date": iso(3), "end_date": iso(4)}))

    assert item["start_date"] == iso(-5)
    assert item["end_date"] == iso(5)
    assert item["total_number_of_days"] == 11
    assert item["current_day_number"] == 6
    assert item["next_fast_date"] == iso(0)
    assert item["participant_count"] == 2
    assert item["joined"] is True
    assert item["countdown"] == "<span class='days_to_finish'>6</span> days until the end of Long"


def test_weekly_fast_whose_days_skip_over_the_range_is_excluded(
    api_client: APIClient, church: Church
) -> None:
    weekly = make_fast(church=church, dates=[day(-7), day(0), day(7)], name="weekly")

    def listed(start: int, end: int) -> list[int]:
        params = {"church_id": str(church.pk), "start_date": iso(start), "end_date": iso(end)}
        return ids(ok(api_client.get("/api/fasts/", params)))

    assert listed(1, 6) == []
    assert listed(-6, -1) == []
    assert listed(1, 7) == [weekly.pk]
    assert listed(0, 0) == [weekly.pk]


def test_list_item_equals_detail(client_for: Client, church: Church, member: User) -> None:
    fast = make_fast(
        church=church,
        start=day(-1),
        days=4,
        culmination_feast="Feast",
        culmination_feast_date=day(3),
    )
    fast_join(profile=member.profile, fast_id=fast.pk)
    client = client_for(member)

    (item,) = ok(client.get("/api/fasts/"))

    assert item == ok(client.get(f"/api/fasts/{fast.pk}/"))


def test_joined_in_the_list_is_per_caller(
    client_for: Client, api_client: APIClient, church: Church, member: User
) -> None:
    joined = make_fast(church=church, start=day(0), days=1, name="joined")
    not_joined = make_fast(church=church, start=day(1), days=1, name="not joined")
    fast_join(profile=member.profile, fast_id=joined.pk)
    other = make_user(church=church)

    def joined_flags(client: APIClient) -> list[bool]:
        return [item["joined"] for item in ok(client.get("/api/fasts/", {"church_id": church.pk}))]

    assert joined_flags(client_for(member)) == [True, False]
    assert joined_flags(client_for(other)) == [False, False]
    assert joined_flags(api_client) == [False, False]
    assert joined_flags(client_for(member)) == [True, False]
    assert not_joined.pk


def test_empty_list(api_client: APIClient, church: Church) -> None:
    assert ok(api_client.get("/api/fasts/", {"church_id": church.pk})) == []


# --- Detail -------------------------------------------------------------------------------------


def test_detail_of_any_church_for_anyone(api_client: APIClient, client_for: Client) -> None:
    fast = make_fast(church=make_church(name="Far away"), start=day(0), days=1)
    assert ok(api_client.get(f"/api/fasts/{fast.pk}/"))["id"] == fast.pk
    assert ok(client_for(make_user()).get(f"/api/fasts/{fast.pk}/"))["id"] == fast.pk


def test_detail_of_unknown_fast_is_404(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, start=day(0), days=1)
    body = error_body(api_client.get(f"/api/fasts/{fast.pk + 1000}/"), 404)
    assert body == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("path", ["/api/fasts/abc/", "/api/fasts/-1/", "/api/fasts/1.5/"])
def test_detail_with_non_integer_id_is_json_404(api_client: APIClient, path: str) -> None:
    error_body(api_client.get(path), 404)


def test_detail_with_huge_id_is_404(api_client: APIClient) -> None:
    body = error_body(api_client.get("/api/fasts/99999999999999999999999/"), 404)
    assert body == {"detail": "Not found.", "code": "not_found"}
