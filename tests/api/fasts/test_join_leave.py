"""PUT/PATCH /api/fasts/join/ and /api/fasts/leave/ (docs/API.md §3.6), and that every read shows a
join or leave at once (docs/API.md §5)."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church, Fast, Membership
from hub.services.memberships import fast_join
from tests.support.clock import day
from tests.support.factories import make_church, make_fast, make_user
from tests.support.responses import detail_of, error_body, ok

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]

JOIN = "/api/fasts/join/"
LEAVE = "/api/fasts/leave/"


@pytest.fixture
def fast(church: Church) -> Fast:
    return make_fast(church=church, start=day(-1), days=5, name="Lent")


def send(client: APIClient, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, body, format="json")


def participant_count(fast: Fast) -> int:
    return int(ok(APIClient().get(f"/api/fasts/{fast.pk}/"))["participant_count"])


@pytest.mark.parametrize("method", ["put", "patch"])
def test_join_then_leave(client_for: Client, member: User, fast: Fast, method: str) -> None:
    client = client_for(member)

    joined = send(client, method, JOIN, {"fast_id": fast.pk})
    assert ok(joined) == {}
    assert Membership.objects.filter(profile=member.profile, fast=fast).count() == 1
    assert participant_count(fast) == 1

    left = send(client, method, LEAVE, {"fast_id": fast.pk})
    assert ok(left) == {"detail": "Successfully left the fast."}
    assert not Membership.objects.filter(profile=member.profile, fast=fast).exists()
    assert participant_count(fast) == 0


def test_participant_count_is_exact_with_several_members(
    client_for: Client, church: Church, fast: Fast
) -> None:
    users = [make_user(church=church) for _ in range(3)]
    for user in users:
        ok(send(client_for(user), "put", JOIN, {"fast_id": fast.pk}))
    assert participant_count(fast) == 3

    ok(send(client_for(users[1]), "patch", LEAVE, {"fast_id": fast.pk}))
    assert participant_count(fast) == 2
    assert Membership.objects.filter(fast=fast).count() == 2


def test_a_fast_of_another_church_may_be_joined(client_for: Client, member: User) -> None:
    elsewhere = make_fast(church=make_church(name="Elsewhere"), start=day(0), days=1)
    assert ok(send(client_for(member), "put", JOIN, {"fast_id": elsewhere.pk})) == {}
    assert participant_count(elsewhere) == 1


def test_user_without_church_may_join(client_for: Client, fast: Fast) -> None:
    assert ok(send(client_for(make_user()), "put", JOIN, {"fast_id": fast.pk})) == {}


def test_string_digits_are_an_integer(client_for: Client, member: User, fast: Fast) -> None:
    assert ok(send(client_for(member), "put", JOIN, {"fast_id": str(fast.pk)})) == {}


@pytest.mark.parametrize("url", [JOIN, LEAVE])
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"fast": 1},
        {"fast_id": None},
        {"fast_id": "abc"},
        {"fast_id": ""},
        {"fast_id": 1.5},
        {"fast_id": -1},
        {"fast_id": 0},
        {"fast_id": True},
        {"fast_id": [1]},
        {"fast_id": {"id": 1}},
        {"fast_id": 2**63},
        {"fast_id": 10**30},
        {"fast_id": "9" * 5000},
    ],
    ids=[
        "missing",
        "other-key",
        "null",
        "word",
        "empty",
        "fraction",
        "negative",
        "zero",
        "boolean",
        "list",
        "object",
        "2**63",
        "10**30",
        "very-long",
    ],
)
def test_bad_fast_id_is_400_on_the_field(
    client_for: Client, member: User, fast: Fast, url: str, body: dict
) -> None:
    response = send(client_for(member), "put", url, body)

    payload = error_body(response, 400)
    assert list(payload) == ["fast_id"]
    assert isinstance(payload["fast_id"], list) and payload["fast_id"]
    assert not Membership.objects.exists()


@pytest.mark.parametrize("url", [JOIN, LEAVE])
@pytest.mark.parametrize("fast_id", [987654, 2**31, 2**63 - 1])
def test_unknown_fast_is_404(client_for: Client, member: User, url: str, fast_id: int) -> None:
    response = send(client_for(member), "put", url, {"fast_id": fast_id})
    assert error_body(response, 404) == {"detail": "Fast not found.", "code": "fast_not_found"}


def test_join_twice_is_400(client_for: Client, member: User, fast: Fast) -> None:
    client = client_for(member)
    ok(send(client, "put", JOIN, {"fast_id": fast.pk}))

    response = send(client, "patch", JOIN, {"fast_id": fast.pk})

    assert detail_of(response) == "You are already part of this fast."
    assert participant_count(fast) == 1
    assert Membership.objects.filter(fast=fast).count() == 1


def test_leave_when_not_joined_is_400(client_for: Client, member: User, fast: Fast) -> None:
    fast_join(profile=make_user().profile, fast_id=fast.pk)

    response = send(client_for(member), "put", LEAVE, {"fast_id": fast.pk})

    assert detail_of(response) == "You are not part of this fast."
    assert participant_count(fast) == 1


def test_leave_twice_is_400(client_for: Client, member: User, fast: Fast) -> None:
    client = client_for(member)
    ok(send(client, "put", JOIN, {"fast_id": fast.pk}))
    ok(send(client, "put", LEAVE, {"fast_id": fast.pk}))

    assert detail_of(send(client, "put", LEAVE, {"fast_id": fast.pk})) == (
        "You are not part of this fast."
    )
    assert participant_count(fast) == 0


@pytest.mark.parametrize("url", [JOIN, LEAVE])
@pytest.mark.parametrize("method", ["put", "patch"])
def test_anonymous_is_401(api_client: APIClient, fast: Fast, url: str, method: str) -> None:
    response = send(api_client, method, url, {"fast_id": fast.pk})
    assert detail_of(response, 401)


def test_invalid_token_is_401(fast: Fast) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert "detail" in error_body(send(client, "put", JOIN, {"fast_id": fast.pk}), 401)


@pytest.mark.parametrize("url", [JOIN, LEAVE])
@pytest.mark.parametrize("raw", ['{"fast_id": ', "fast_id=1", "\x00", '{"fast_id": 1'])
def test_body_that_is_not_json_is_400(
    client_for: Client, member: User, fast: Fast, url: str, raw: str
) -> None:
    response = client_for(member).put(url, raw, content_type="application/json")
    assert detail_of(response)


@pytest.mark.parametrize("url", [JOIN, LEAVE])
@pytest.mark.parametrize("body", [[1], [{"fast_id": 1}], "1", 7, None, True])
def test_json_that_is_not_an_object_is_400(
    client_for: Client, member: User, fast: Fast, url: str, body: Any
) -> None:
    raw = json.dumps(body if body != [{"fast_id": 1}] else [{"fast_id": fast.pk}])
    response = client_for(member).put(url, raw, content_type="application/json")
    error_body(response, 400)
    assert not Membership.objects.exists()


@pytest.mark.parametrize("url", [JOIN, LEAVE])
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml"])
def test_wrong_content_type_is_415(
    client_for: Client, member: User, fast: Fast, url: str, content_type: str
) -> None:
    raw = json.dumps({"fast_id": fast.pk})
    response = client_for(member).put(url, raw, content_type=content_type)
    assert detail_of(response, 415)


@pytest.mark.parametrize("url", [JOIN, LEAVE])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_other_methods_are_405(
    client_for: Client, member: User, fast: Fast, url: str, method: str
) -> None:
    response = getattr(client_for(member), method)(url)
    assert detail_of(response, 405)


# --- Freshness (docs/API.md §5) -----------------------------------------------------------------


def snapshot(client: APIClient, fast: Fast) -> dict[str, Any]:
    """Everything a client sees about the fast, through each read endpoint."""
    (listed,) = ok(client.get("/api/fasts/"))
    detail = ok(client.get(f"/api/fasts/{fast.pk}/"))
    by_date = ok(client.get("/api/fasts/by-date/"))["results"][0]
    return {
        "list": (listed["participant_count"], listed["joined"]),
        "detail": (detail["participant_count"], detail["joined"]),
        "by_date": (by_date["participant_count"], by_date["joined"]),
        "stats": ok(client.get("/api/fasts/stats/")),
        "participants": [p["id"] for p in ok(client.get(f"/api/fasts/{fast.pk}/participants/"))],
        "paginated": ok(client.get(f"/api/fasts/{fast.pk}/participants/paginated/"))["count"],
        "user_days": ok(client.get("/api/user/days/"))["count"],
    }


def anonymous_list(church: Church) -> int:
    (item,) = ok(APIClient().get("/api/fasts/", {"church_id": church.pk}))
    return int(item["participant_count"])


def test_every_read_reflects_a_join_and_a_leave_at_once(
    client_for: Client, church: Church, member: User, fast: Fast
) -> None:
    client = client_for(member)
    watcher = client_for(make_user(church=church))
    profile_id = member.profile.pk

    nobody = {
        "list": (0, False),
        "detail": (0, False),
        "by_date": (0, False),
        "stats": {"joined_fasts": [], "total_fasts": 0, "total_fast_days": 0, "completed_fasts": 0},
        "participants": [],
        "paginated": 0,
        "user_days": 0,
    }
    # warm every cache first
    assert snapshot(client, fast) == nobody
    assert snapshot(watcher, fast) == nobody
    assert anonymous_list(church) == 0

    ok(send(client, "put", JOIN, {"fast_id": fast.pk}))

    assert snapshot(client, fast) == {
        "list": (1, True),
        "detail": (1, True),
        "by_date": (1, True),
        "stats": {
            "joined_fasts": [fast.pk],
            "total_fasts": 1,
            "total_fast_days": 2,
            "completed_fasts": 0,
        },
        "participants": [profile_id],
        "paginated": 1,
        "user_days": 5,
    }
    seen_by_watcher = snapshot(watcher, fast)
    assert seen_by_watcher["list"] == (1, False)
    assert seen_by_watcher["detail"] == (1, False)
    assert seen_by_watcher["participants"] == [profile_id]
    assert seen_by_watcher["stats"]["total_fasts"] == 0
    assert anonymous_list(church) == 1

    ok(send(client, "patch", LEAVE, {"fast_id": fast.pk}))

    assert snapshot(client, fast) == nobody
    assert snapshot(watcher, fast) == nobody
    assert anonymous_list(church) == 0


def test_the_list_shows_a_fast_edit_at_once(
    api_client: APIClient, church: Church, fast: Fast
) -> None:
    (before,) = ok(api_client.get("/api/fasts/", {"church_id": church.pk}))
    assert before["name"] == "Lent"

    fast.name = "Great Lent"
    fast.save()

    (after,) = ok(api_client.get("/api/fasts/", {"church_id": church.pk}))
    assert after["name"] == "Great Lent"
    assert after["countdown"].endswith("until the end of Great Lent")


def test_a_deleted_account_leaves_every_count_at_once(
    client_for: Client, church: Church, member: User, fast: Fast
) -> None:
    leaving = make_user(church=church)
    fast_join(profile=leaving.profile, fast_id=fast.pk)
    fast_join(profile=member.profile, fast_id=fast.pk)
    client = client_for(member)
    assert snapshot(client, fast)["participants"] == [
        p.pk
        for p in sorted((leaving.profile, member.profile), key=lambda p: (p.user.date_joined, p.pk))
    ]
    assert anonymous_list(church) == 2

    leaving.delete()

    seen = snapshot(client, fast)
    assert seen["list"] == (1, True)
    assert seen["detail"] == (1, True)
    assert seen["participants"] == [member.profile.pk]
    assert seen["paginated"] == 1
    assert anonymous_list(church) == 1
