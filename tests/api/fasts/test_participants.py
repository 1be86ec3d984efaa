"""GET /api/fasts/<id>/participants/ and .../participants/paginated/ (docs/API.md §3.7, §4.4)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church, Fast, Profile
from hub.services.memberships import fast_join, memberships_bulk_join
from hub.testing import accounts_bulk_create
from tests.support.clock import NOW, day
from tests.support.factories import PASSWORD, make_fast, make_user
from tests.support.responses import detail_of, error_body, ok

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]

PARTICIPANT_KEYS = ["id", "name", "profile_image", "thumbnail", "location", "abbreviation", "user"]


@pytest.fixture
def fast(church: Church) -> Fast:
    return make_fast(church=church, start=day(0), days=3)


def plain(client: APIClient, fast: Fast, **params: Any) -> list[dict]:
    body = ok(client.get(f"/api/fasts/{fast.pk}/participants/", params))
    assert isinstance(body, list)
    return body


def paginated(client: APIClient, fast: Fast, **params: Any) -> dict:
    body = ok(client.get(f"/api/fasts/{fast.pk}/participants/paginated/", params))
    assert list(body) == ["count", "next", "previous", "results"]
    return body


def user_joined_at(church: Church, joined: dt.datetime, fast: Fast, **fields: object) -> User:
    """A user whose account was created at ``joined`` and who then joined ``fast``."""
    user = make_user(church=church, **fields)
    User.objects.filter(pk=user.pk).update(date_joined=joined)
    user = User.objects.select_related("profile").get(pk=user.pk)
    fast_join(profile=user.profile, fast_id=fast.pk)
    return user


def many_participants(church: Church, fast: Fast, n: int) -> list[int]:
    """``n`` participants, oldest account first; returns their profile ids in that order."""
    profile_ids = accounts_bulk_create(
        emails=[f"bulk{i}@example.org" for i in range(n)],
        password_hash=make_password(PASSWORD),
        newest_joined=NOW - dt.timedelta(days=1),
        spacing=dt.timedelta(days=1),
    )
    Profile.objects.filter(pk__in=profile_ids).update(church=church)
    memberships_bulk_join(pairs=[(profile_id, fast.pk) for profile_id in profile_ids])
    return profile_ids


def test_ordered_by_account_creation_then_id(
    client_for: Client, church: Church, fast: Fast
) -> None:
    newest = user_joined_at(church, NOW - dt.timedelta(days=1), fast, name="Newest")
    oldest = user_joined_at(church, NOW - dt.timedelta(days=30), fast, name="Oldest")
    tie_a = user_joined_at(church, NOW - dt.timedelta(days=10), fast, name="Tie A")
    tie_b = user_joined_at(church, NOW - dt.timedelta(days=10), fast, name="Tie B")
    middle = user_joined_at(church, NOW - dt.timedelta(days=20), fast, name="Middle")
    expected = [p.profile.pk for p in (oldest, middle, tie_a, tie_b, newest)]
    assert expected != sorted(expected)  # the order is not simply the id order

    client = client_for(newest)
    assert [p["id"] for p in plain(client, fast)] == expected
    assert [p["id"] for p in paginated(client, fast)["results"]] == expected


def test_fields_exactly(client_for: Client, church: Church, fast: Fast) -> None:
    named = user_joined_at(church, NOW, fast, name="Anna", location="Yerevan")
    unnamed = make_user(church=church)
    User.objects.filter(pk=unnamed.pk).update(
        email="zara@example.org", date_joined=NOW + dt.timedelta(seconds=1)
    )
    unnamed = User.objects.select_related("profile").get(pk=unnamed.pk)
    fast_join(profile=unnamed.profile, fast_id=fast.pk)

    for body in (plain(client_for(named), fast), paginated(client_for(named), fast)["results"]):
        assert [list(item) for item in body] == [PARTICIPANT_KEYS, PARTICIPANT_KEYS]
        assert body == [
            {
                "id": named.profile.pk,
                "name": "Anna",
                "profile_image": None,
                "thumbnail": None,
                "location": "Yerevan",
                "abbreviation": "A",
                "user": "Anna",
            },
            {
                "id": unnamed.profile.pk,
                "name": None,
                "profile_image": None,
                "thumbnail": None,
                "location": None,
                "abbreviation": "z",
                "user": "z",
            },
        ]


def test_email_is_never_shown(client_for: Client, church: Church, fast: Fast) -> None:
    users = [make_user(church=church), make_user(church=church, name="Named")]
    for user in users:
        fast_join(profile=user.profile, fast_id=fast.pk)
    client = client_for(users[0])

    for url in (
        f"/api/fasts/{fast.pk}/participants/",
        f"/api/fasts/{fast.pk}/participants/paginated/",
    ):
        raw = ok(client.get(url)) and client.get(url).content.decode()
        for user in users:
            assert user.email not in raw
        assert "email" not in raw


def test_caller_is_included(client_for: Client, member: User, fast: Fast) -> None:
    fast_join(profile=member.profile, fast_id=fast.pk)
    assert [p["id"] for p in plain(client_for(member), fast)] == [member.profile.pk]


def test_a_caller_who_did_not_join_may_look(client_for: Client, member: User, fast: Fast) -> None:
    joiner = make_user(name="Joiner")
    fast_join(profile=joiner.profile, fast_id=fast.pk)
    assert [p["id"] for p in plain(client_for(member), fast)] == [joiner.profile.pk]


def test_no_participants(client_for: Client, member: User, fast: Fast) -> None:
    assert plain(client_for(member), fast) == []
    assert paginated(client_for(member), fast) == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


# --- Plain: limit ---------------------------------------------------------------------------------


@pytest.fixture
def eight(church: Church, fast: Fast) -> list[int]:
    return many_participants(church, fast, 8)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 6),
        ({"limit": 2}, 2),
        ({"limit": 8}, 8),
        ({"limit": 50}, 8),
        ({"limit": "abc"}, 6),
        ({"limit": ""}, 6),
        ({"limit": "2.5"}, 6),
    ],
)
def test_plain_limit(
    client_for: Client, member: User, fast: Fast, eight: list[int], params: dict, expected: int
) -> None:
    body = plain(client_for(member), fast, **params)
    assert [p["id"] for p in body] == eight[:expected]


@pytest.mark.parametrize("limit", ["-1", "-100"])
def test_plain_negative_limit_is_400(
    client_for: Client, member: User, fast: Fast, eight: list[int], limit: str
) -> None:
    response = client_for(member).get(f"/api/fasts/{fast.pk}/participants/", {"limit": limit})
    assert detail_of(response)


def test_limits_are_capped_at_100(client_for: Client, church: Church, fast: Fast) -> None:
    order = many_participants(church, fast, 105)
    client = client_for(make_user(church=church))

    body = plain(client, fast, limit=500)
    assert [p["id"] for p in body] == order[:100]
    assert [p["id"] for p in plain(client, fast, limit=10**30)] == order[:100]

    page = paginated(client, fast, limit=500)
    assert page["count"] == 105
    assert [p["id"] for p in page["results"]] == order[:100]
    rest = paginated(client, fast, limit=500, offset=100)
    assert [p["id"] for p in rest["results"]] == order[100:]
    assert rest["next"] is None


# --- Paginated: limit and offset ----------------------------------------------------------------


@pytest.fixture
def twelve(church: Church, fast: Fast) -> list[int]:
    return many_participants(church, fast, 12)


def test_paginated_default_is_10(
    client_for: Client, member: User, fast: Fast, twelve: list[int]
) -> None:
    body = paginated(client_for(member), fast)

    assert body["count"] == 12
    assert [p["id"] for p in body["results"]] == twelve[:10]
    assert body["previous"] is None
    assert "offset=10" in body["next"] and "limit=10" in body["next"]

    following = ok(client_for(member).get(body["next"]))
    assert [p["id"] for p in following["results"]] == twelve[10:]
    assert following["next"] is None
    assert following["previous"] is not None
    assert [p["id"] for p in ok(client_for(member).get(following["previous"]))["results"]] == (
        twelve[:10]
    )


def test_paginated_limit_and_offset(
    client_for: Client, member: User, fast: Fast, twelve: list[int]
) -> None:
    body = paginated(client_for(member), fast, limit=5, offset=5)

    assert body["count"] == 12
    assert [p["id"] for p in body["results"]] == twelve[5:10]
    assert "offset=10" in body["next"] and "limit=5" in body["next"]
    assert body["previous"] is not None


@pytest.mark.parametrize("offset", [12, 13, 1000, 10**30])
def test_paginated_offset_past_the_end(
    client_for: Client, member: User, fast: Fast, twelve: list[int], offset: int
) -> None:
    body = paginated(client_for(member), fast, offset=offset)
    assert body["count"] == 12
    assert body["results"] == []
    assert body["next"] is None


@pytest.mark.parametrize("params", [{"offset": -1}, {"limit": -1}, {"offset": "x"}])
def test_paginated_bad_numbers_are_400(
    client_for: Client, member: User, fast: Fast, twelve: list[int], params: dict
) -> None:
    response = client_for(member).get(f"/api/fasts/{fast.pk}/participants/paginated/", params)
    assert detail_of(response)


# --- Errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["participants/", "participants/paginated/"])
def test_unknown_fast_is_404(client_for: Client, member: User, fast: Fast, suffix: str) -> None:
    response = client_for(member).get(f"/api/fasts/{fast.pk + 100}/{suffix}")
    assert error_body(response, 404) == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("suffix", ["participants/", "participants/paginated/"])
def test_anonymous_is_401(api_client: APIClient, fast: Fast, suffix: str) -> None:
    fast_join(profile=make_user().profile, fast_id=fast.pk)
    assert detail_of(api_client.get(f"/api/fasts/{fast.pk}/{suffix}"), 401)
