"""Per-user data never crosses users, whatever the caches hold (docs/API.md §5).

Alice and Bob share a church; Alice joined F1 (and F3 of another church), Bob joined F2, and
Eve (no name, so her abbreviation comes from her email) joined F1 and F2. One user's requests
warm every cache first; the other user's responses must still show only their own joined
flags, stats, days and profile, and no response body anywhere carries another user's email.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import Church, Fast
from tests.support.clock import NOW, TODAY, day, frozen_at
from tests.support.factories import make_church, make_fast, make_user

pytestmark = pytest.mark.django_db

PARTICIPANT_KEYS = {"id", "name", "profile_image", "thumbnail", "location", "abbreviation", "user"}


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with frozen_at(NOW):
        yield


@dataclass
class World:
    church: Church
    alice: User
    bob: User
    eve: User
    f1: Fast
    f2: Fast
    f3: Fast

    @property
    def users(self) -> list[User]:
        return [self.alice, self.bob, self.eve]

    def joined_by(self, user: User) -> set[int]:
        return {
            self.alice.pk: {self.f1.pk, self.f3.pk},
            self.bob.pk: {self.f2.pk},
            self.eve.pk: {self.f1.pk, self.f2.pk},
        }[user.pk]


def _join(client: APIClient, fast: Fast) -> None:
    response = client.put(reverse("fast-join"), {"fast_id": fast.pk}, format="json")
    assert response.status_code == 200, response.content


@pytest.fixture
def world(client_for: Callable[[User], APIClient]) -> World:
    church = make_church(name="Shared Church")
    other = make_church(name="Other Church")
    alice = make_user(church=church, name="Alice", location="Aville")
    bob = make_user(church=church, name="Bob", location="Bton")
    eve = make_user(church=church)
    for user, email in (
        (alice, "alice.private@example.org"),
        (bob, "bob.private@example.org"),
        (eve, "eve.hidden@example.org"),
    ):
        User.objects.filter(pk=user.pk).update(email=email, username=email)
        user.refresh_from_db()
    f1 = make_fast(
        church=church,
        start=day(-2),
        days=5,
        culmination_feast="Feast One",
        culmination_feast_date=day(10),
    )
    f2 = make_fast(
        church=church,
        start=day(-1),
        days=5,
        culmination_feast="Feast Two",
        culmination_feast_date=day(20),
    )
    f3 = make_fast(church=other, start=day(0), days=2)
    world = World(church, alice, bob, eve, f1, f2, f3)
    for user in world.users:
        client = client_for(user)
        for fast in (f1, f2, f3):
            if fast.pk in world.joined_by(user):
                _join(client, fast)
    return world


def _requests(world: World) -> dict[str, str]:
    """Every read that can show per-user data, plus the shared ones, for one caller."""
    compact = f"{TODAY:%Y%m%d}"
    return {
        "profile": reverse("profile-detail"),
        "stats": reverse("fast-stats"),
        "fast-list": reverse("fast-list"),
        "fast-detail-1": reverse("fast-detail", kwargs={"pk": world.f1.pk}),
        "fast-detail-2": reverse("fast-detail", kwargs={"pk": world.f2.pk}),
        "fast-detail-3": reverse("fast-detail", kwargs={"pk": world.f3.pk}),
        "by-date": f"{reverse('fast-by-date')}?date={TODAY.isoformat()}",
        "by-feast-date-1": f"{reverse('fast-by-feast-date')}?date={day(10).isoformat()}",
        "by-feast-date-2": f"{reverse('fast-by-feast-date')}?date={day(20).isoformat()}",
        "legacy-church": f"{reverse('fast_on_date')}?date={compact}",
        "legacy-user": f"{reverse('fast_on_date_user')}?date={compact}",
        "user-days": reverse("user-days"),
        "fast-days": reverse("fast-days-list", kwargs={"pk": world.f1.pk}),
        "participants-1": reverse("fast-participants", kwargs={"pk": world.f1.pk}),
        "participants-2": reverse("fast-participants", kwargs={"pk": world.f2.pk}),
        "participants-page-1": reverse("fast-participants-paginated", kwargs={"pk": world.f1.pk}),
        "participants-page-2": reverse("fast-participants-paginated", kwargs={"pk": world.f2.pk}),
        "churches": reverse("church-list"),
    }


def _anonymous_requests(world: World) -> dict[str, str]:
    church = f"church_id={world.church.pk}"
    compact = f"{TODAY:%Y%m%d}"
    return {
        "fast-list": f"{reverse('fast-list')}?{church}",
        "fast-detail-1": reverse("fast-detail", kwargs={"pk": world.f1.pk}),
        "fast-detail-2": reverse("fast-detail", kwargs={"pk": world.f2.pk}),
        "fast-detail-3": reverse("fast-detail", kwargs={"pk": world.f3.pk}),
        "by-date": f"{reverse('fast-by-date')}?{church}&date={TODAY.isoformat()}",
        "by-feast-date-1": f"{reverse('fast-by-feast-date')}?{church}&date={day(10).isoformat()}",
        "by-feast-date-2": f"{reverse('fast-by-feast-date')}?{church}&date={day(20).isoformat()}",
        "legacy-church": f"{reverse('fast_on_date')}?{church}&date={compact}",
        "legacy-user": f"{reverse('fast_on_date_user')}?{church}&date={compact}",
        "fast-days": reverse("fast-days-list", kwargs={"pk": world.f1.pk}),
        "churches": reverse("church-list"),
    }


def _fetch_all(client: APIClient, requests: dict[str, str]) -> dict[str, Any]:
    responses = {}
    for name, path in requests.items():
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code, response.content[:300])
        responses[name] = response
    return responses


def _fasts_in(body: Any) -> list[dict[str, Any]]:
    """Every Fast representation in a response body (bare list, page, or single object)."""
    if isinstance(body, list):
        return [item for item in body if "joined" in item]
    if isinstance(body, dict) and "results" in body:
        return [item for item in body["results"] if "joined" in item]
    if isinstance(body, dict) and "joined" in body:
        return [body]
    return []


def _assert_sees_only_own_state(world: World, user: User, responses: dict[str, Any]) -> None:
    own = world.joined_by(user)
    seen: set[int] = set()
    for name, response in responses.items():
        for fast in _fasts_in(response.json()):
            seen.add(fast["id"])
            assert fast["joined"] is (fast["id"] in own), (user.email, name, fast)
    assert seen == {world.f1.pk, world.f2.pk, world.f3.pk}

    profile = responses["profile"].json()
    assert profile["user_id"] == user.pk
    assert profile["email"] == user.email
    assert profile["name"] == user.profile.name
    assert profile["location"] == user.profile.location

    stats = responses["stats"].json()
    joined_fasts = sorted(own)
    days_so_far = {world.f1.pk: 3, world.f2.pk: 2, world.f3.pk: 1}
    assert stats == {
        "joined_fasts": joined_fasts,
        "total_fasts": len(joined_fasts),
        "total_fast_days": sum(days_so_far[pk] for pk in joined_fasts),
        "completed_fasts": 0,
    }

    days = responses["user-days"].json()
    all_days = {world.f1.pk: 5, world.f2.pk: 5, world.f3.pk: 2}
    assert days["count"] == sum(all_days[pk] for pk in own)
    assert {row["fast"] for row in days["results"]} <= own

    # The legacy "my fast" is the caller's own joined fast of their church.
    mine = responses["legacy-user"].json()
    own_in_church = own - {world.f3.pk}
    assert mine["id"] in own_in_church and mine["joined"] is True


def _assert_no_foreign_email(world: World, user: User | None, responses: dict[str, Any]) -> None:
    for name, response in responses.items():
        content = response.content.lower()
        for other in world.users:
            email = other.email.lower().encode()
            if user is not None and other.pk == user.pk and name == "profile":
                assert email in content
            else:
                assert email not in content, (name, other.email)
                assert email.split(b"@")[0] not in content, (name, other.email)


def _assert_participants_contract(world: World, responses: dict[str, Any]) -> None:
    expected = {
        "participants-1": {world.alice.profile.pk, world.eve.profile.pk},
        "participants-2": {world.bob.profile.pk, world.eve.profile.pk},
    }
    for name, ids in expected.items():
        for body in (responses[name].json(), responses[name.replace("-", "-page-", 1)].json()):
            items = body if isinstance(body, list) else body["results"]
            assert {item["id"] for item in items} == ids
            for item in items:
                assert set(item) == PARTICIPANT_KEYS, item
            nameless = next(item for item in items if item["id"] == world.eve.profile.pk)
            assert nameless["name"] is None
            assert nameless["abbreviation"] == "e"
            assert nameless["user"] == "e"


@pytest.mark.parametrize("first", ["alice", "bob"])
def test_each_user_sees_only_their_own_state_with_warm_caches(
    world: World, client_for: Callable[[User], APIClient], first: str
) -> None:
    order = [world.alice, world.bob] if first == "alice" else [world.bob, world.alice]
    requests = _requests(world)
    warm = _fetch_all(client_for(order[0]), requests)
    _assert_sees_only_own_state(world, order[0], warm)

    second = _fetch_all(client_for(order[1]), requests)
    _assert_sees_only_own_state(world, order[1], second)
    _assert_no_foreign_email(world, order[1], second)
    _assert_participants_contract(world, second)

    # And the first caller, now served from caches the second one touched too.
    again = _fetch_all(client_for(order[0]), requests)
    _assert_sees_only_own_state(world, order[0], again)
    _assert_no_foreign_email(world, order[0], again)
    for name in requests:
        assert again[name].json() == warm[name].json(), name


def test_anonymous_never_sees_joined_or_emails(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    _fetch_all(client_for(world.alice), _requests(world))
    _fetch_all(client_for(world.eve), _requests(world))
    anonymous = _fetch_all(APIClient(), _anonymous_requests(world))
    fasts = [fast for response in anonymous.values() for fast in _fasts_in(response.json())]
    assert {fast["id"] for fast in fasts} == {world.f1.pk, world.f2.pk, world.f3.pk}
    assert all(fast["joined"] is False for fast in fasts)
    _assert_no_foreign_email(world, None, anonymous)


@pytest.mark.parametrize(
    "name", ["profile", "stats", "user-days", "participants-1", "participants-page-1"]
)
def test_per_user_endpoints_need_a_token(world: World, name: str) -> None:
    response = APIClient().get(_requests(world)[name])
    assert response.status_code == 401
    assert b"@example.org" not in response.content


def test_a_join_changes_only_the_joiners_view(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    requests = _requests(world)
    alice, bob = client_for(world.alice), client_for(world.bob)
    before = _fetch_all(alice, requests)
    _fetch_all(bob, requests)

    _join(bob, world.f1)

    after_bob = _fetch_all(bob, requests)
    flags = {f["id"]: f["joined"] for f in after_bob["fast-list"].json()}
    assert flags == {world.f1.pk: True, world.f2.pk: True}
    assert after_bob["stats"].json()["joined_fasts"] == sorted([world.f1.pk, world.f2.pk])
    assert after_bob["fast-detail-1"].json()["joined"] is True

    after_alice = _fetch_all(alice, requests)
    for name in ("profile", "stats", "user-days"):
        assert after_alice[name].json() == before[name].json(), name
    mine = after_alice["legacy-user"].json()
    assert (mine["id"], mine["joined"]) == (world.f1.pk, True)
    flags = {f["id"]: f["joined"] for f in after_alice["fast-list"].json()}
    assert flags == {world.f1.pk: True, world.f2.pk: False}
    assert after_alice["fast-detail-1"].json()["participant_count"] == 3
