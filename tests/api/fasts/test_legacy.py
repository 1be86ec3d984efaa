"""Legacy GET /api/fast/ and /api/user/fasts/ (docs/API.md §3.10)."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church
from hub.services.memberships import fast_join
from tests.support.clock import day, frozen_at
from tests.support.factories import make_church, make_fast, make_user
from tests.support.responses import FAST_KEYS, detail_of, ok

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]

STUB = {
    "name": "",
    "church": {"name": ""},
    "description": "",
    "culmination_feast": "",
    "culmination_feast_date": None,
    "year": None,
    "image": None,
    "url": "",
}


def compact(offset: int) -> str:
    return day(offset).strftime("%Y%m%d")


def test_church_fast_on_a_date(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, start=day(3), days=4, name="Later")
    make_fast(church=make_church(name="Elsewhere"), start=day(3), days=4)

    body = ok(api_client.get("/api/fast/", {"church_id": str(church.pk), "date": compact(4)}))

    assert list(body) == FAST_KEYS
    assert body["id"] == fast.pk
    assert body["joined"] is False
    assert body["church"] == {"id": church.pk, "name": church.name}


def test_church_fast_defaults_to_today(api_client: APIClient, church: Church) -> None:
    make_fast(church=church, start=day(1), days=4, name="Tomorrow")
    today = make_fast(church=church, start=day(-1), days=2, name="Today")

    body = ok(api_client.get("/api/fast/", {"church_id": church.pk}))

    assert body["id"] == today.pk


def test_default_date_follows_the_time_zone(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, dates=[dt.date(2026, 1, 15)])
    moment = dt.datetime(2026, 1, 16, 7, 30, tzinfo=dt.UTC)  # 23:30 on the 15th in Los Angeles
    with frozen_at(moment):
        la = ok(
            api_client.get("/api/fast/", {"church_id": str(church.pk), "tz": "America/Los_Angeles"})
        )
        utc = ok(api_client.get("/api/fast/", {"church_id": church.pk}))
    assert la["id"] == fast.pk
    assert utc == STUB


def test_highest_id_when_several(api_client: APIClient, church: Church) -> None:
    make_fast(church=church, start=day(-5), days=10, name="first")
    second = make_fast(church=church, start=day(0), days=1, name="second")
    make_fast(church=church, start=day(-3), days=2, name="third, ended yesterday")

    body = ok(api_client.get("/api/fast/", {"church_id": str(church.pk), "date": compact(0)}))

    assert body["id"] == second.pk


def test_stub_when_no_fast(api_client: APIClient, church: Church) -> None:
    make_fast(church=church, dates=[day(-1), day(1)])

    body = ok(api_client.get("/api/fast/", {"church_id": str(church.pk), "date": compact(0)}))

    assert body == STUB
    assert list(body) == list(STUB)
    assert "id" not in body


@pytest.mark.parametrize("path", ["/api/fast/", "/api/user/fasts/"])
@pytest.mark.parametrize(
    "value", ["2026-13-01", "2026-1-01", "20261301", "abc", "", "2026011", "202601011", "2026-W01"]
)
def test_malformed_date_is_400(
    client_for: Client, api_client: APIClient, church: Church, path: str, value: str
) -> None:
    assert detail_of(api_client.get(path, {"church_id": str(church.pk), "date": value}))
    member = make_user(church=church)
    assert detail_of(client_for(member).get(path, {"date": value}))


@pytest.mark.parametrize("path", ["/api/fast/", "/api/user/fasts/"])
def test_iso_and_compact_dates_name_the_same_day(
    client_for: Client, church: Church, path: str
) -> None:
    member = make_user(church=church)
    fast = make_fast(church=church, dates=[day(2)])
    fast_join(profile=member.profile, fast_id=fast.pk)
    client = client_for(member)
    compact_answer = ok(client.get(path, {"date": compact(2)}))
    iso_answer = ok(client.get(path, {"date": day(2).isoformat()}))
    assert compact_answer == iso_answer
    assert iso_answer["id"] == fast.pk


@pytest.mark.parametrize("path", ["/api/fast/", "/api/user/fasts/"])
def test_anonymous_church_context(api_client: APIClient, path: str) -> None:
    assert detail_of(api_client.get(path)) == "church_id query parameter is required."
    assert detail_of(api_client.get(path, {"church_id": 31337})) == (
        "Church with the provided ID does not exist."
    )
    assert detail_of(api_client.get(path, {"church_id": "one"}))


def test_church_fast_for_an_authenticated_caller_uses_their_church(
    client_for: Client, church: Church, member: User
) -> None:
    mine = make_fast(church=church, start=day(0), days=1)
    other_church = make_church(name="Elsewhere")
    make_fast(church=other_church, start=day(0), days=1)
    fast_join(profile=member.profile, fast_id=mine.pk)

    body = ok(client_for(member).get("/api/fast/", {"church_id": other_church.pk}))

    assert body["id"] == mine.pk
    assert body["joined"] is True
    assert detail_of(client_for(make_user()).get("/api/fast/")) == (
        "No church associated with your profile."
    )


def test_anonymous_user_fasts_behaves_like_church_fast(
    api_client: APIClient, church: Church
) -> None:
    fast = make_fast(church=church, start=day(0), days=2)

    params = {"church_id": str(church.pk), "date": compact(1)}
    body = ok(api_client.get("/api/user/fasts/", params))

    assert body == ok(api_client.get("/api/fast/", params))
    assert body["id"] == fast.pk
    none = {"church_id": str(church.pk), "date": compact(5)}
    assert ok(api_client.get("/api/user/fasts/", none)) == STUB


def test_user_fasts_returns_only_a_joined_fast_of_their_church(
    client_for: Client, church: Church, member: User
) -> None:
    joined = make_fast(church=church, start=day(-2), days=5, name="joined")
    make_fast(church=church, start=day(0), days=1, name="not joined, higher id")
    elsewhere = make_fast(church=make_church(name="Elsewhere"), start=day(0), days=1)
    fast_join(profile=member.profile, fast_id=joined.pk)
    fast_join(profile=member.profile, fast_id=elsewhere.pk)
    client = client_for(member)

    body = ok(client.get("/api/user/fasts/", {"date": compact(0)}))
    assert list(body) == FAST_KEYS
    assert body["id"] == joined.pk
    assert body["joined"] is True
    assert ok(client.get("/api/user/fasts/"))["id"] == joined.pk
    assert ok(client.get("/api/user/fasts/", {"date": compact(2)}))["id"] == joined.pk
    assert ok(client.get("/api/user/fasts/", {"date": compact(3)})) == STUB


def test_user_fasts_stub_when_not_joined(client_for: Client, church: Church, member: User) -> None:
    make_fast(church=church, start=day(0), days=1)
    elsewhere = make_fast(church=make_church(name="Elsewhere"), start=day(0), days=1)
    fast_join(profile=member.profile, fast_id=elsewhere.pk)

    body = ok(client_for(member).get("/api/user/fasts/", {"date": compact(0)}))

    assert body == STUB
