"""Caching pays, is never stale, never crosses users, and never fails a request.

Query and cache-operation counts are asserted cold and warm; freshness right after each kind
of change; a cache that is down degrades to the database.
"""

import time
from functools import partial

import pytest
from django.test import override_settings
from django.urls import reverse

from hub.caching import Representation
from hub.models import Day, Fast
from hub.services.memberships import fast_join, fast_leave
from tests.support.caches import UNREACHABLE_REDIS
from tests.support.calls import Call
from tests.support.concurrency import run_at_once
from tests.support.factories import make_user
from tests.support.measure import send
from tests.support.worlds import World, build_world


def _get(
    world: World, name: str, *, cold: bool, **kwargs: int
) -> tuple[int, dict[str, int], object]:
    measured = send(world, Call("get", reverse(name, kwargs=kwargs or None)), cold=cold)
    assert measured.response.status_code == 200
    return measured.queries, dict(measured.cache_ops), measured.response.json()


@pytest.mark.django_db
def test_fast_list_cold_then_warm() -> None:
    world = build_world(fasts_in_range=50)
    assert _get(world, "fast-list", cold=True)[:2] == (3, {"get": 2, "add": 2, "set": 2})
    # Warm: authentication only; the shared list and the caller's joined ids from the cache.
    assert _get(world, "fast-list", cold=False)[:2] == (1, {"get": 2})


@pytest.mark.django_db
def test_stats_cold_then_warm() -> None:
    world = build_world(fasts_per_user=30, days_per_fast=10)
    assert _get(world, "fast-stats", cold=True)[:2] == (2, {"get": 1, "add": 1, "set": 1})
    assert _get(world, "fast-stats", cold=False)[:2] == (1, {"get": 1})


@pytest.mark.django_db
def test_joined_is_never_shared_between_users(client_for) -> None:
    world = build_world(fasts_in_range=3)
    other = make_user(church=world.church)
    mine = client_for(world.user).get(reverse("fast-list")).json()
    theirs = client_for(other).get(reverse("fast-list")).json()  # served from the warm list
    assert {f["id"] for f in mine if f["joined"]} == {world.target.pk}
    assert not any(f["joined"] for f in theirs)
    assert client_for(other).get(reverse("fast-stats")).json()["joined_fasts"] == []


def _listed(client, fast_id: int) -> dict:
    return next(f for f in client.get(reverse("fast-list")).json() if f["id"] == fast_id)


@pytest.mark.django_db
def test_every_change_shows_at_once_through_warm_caches(client_for) -> None:
    world = build_world(fasts_in_range=3)
    client = client_for(world.user)
    spare = world.spare
    assert _listed(client, spare.pk)["participant_count"] == 0
    client.get(reverse("fast-stats"))

    fast_join(profile=world.user.profile, fast_id=spare.pk)
    listed = _listed(client, spare.pk)
    assert (listed["participant_count"], listed["joined"]) == (1, True)
    assert spare.pk in client.get(reverse("fast-stats")).json()["joined_fasts"]

    fast_leave(profile=world.user.profile, fast_id=spare.pk)
    listed = _listed(client, spare.pk)
    assert (listed["participant_count"], listed["joined"]) == (0, False)

    fast = Fast.objects.get(pk=spare.pk)
    fast.name = "Renamed"
    fast.save()
    assert _listed(client, spare.pk)["name"] == "Renamed"

    days_before = client.get(reverse("fast-stats")).json()["total_fast_days"]
    Day.objects.create(fast=world.target, church=world.church, date=world.today)
    assert _listed(client, world.target.pk)["total_number_of_days"] == world.target.day_count + 1
    assert client.get(reverse("fast-stats")).json()["total_fast_days"] == days_before + 1

    member = make_user(church=world.church)
    fast_join(profile=member.profile, fast_id=spare.pk)
    assert _listed(client, spare.pk)["participant_count"] == 1
    member.delete()
    assert _listed(client, spare.pk)["participant_count"] == 0


@pytest.mark.django_db
def test_requests_are_served_from_the_database_when_redis_is_down(client_for) -> None:
    world = build_world(fasts_in_range=3)
    with override_settings(CACHES=UNREACHABLE_REDIS, DJANGO_REDIS_IGNORE_EXCEPTIONS=True):
        client = client_for(world.user)
        assert len(client.get(reverse("fast-list")).json()) == 4  # joined, 2 others, spare
        assert client.get(reverse("fast-stats")).json()["total_fasts"] == 1
        response = client.put(reverse("fast-join"), {"fast_id": world.spare.pk}, format="json")
        assert response.status_code == 200
        assert _listed(client, world.spare.pk)["joined"] is True


STAMPEDE = Representation(name="stampede-test", endpoints=(), depends_on=(), version="church")


class _Owner:
    pk, cache_version = 1, 1


def test_concurrent_misses_compute_once() -> None:
    calls = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "value"

    results = run_at_once([partial(STAMPEDE.get_or_compute, slow, owner=_Owner())] * 8)
    assert results == ["value"] * 8
    assert len(calls) == 1


@pytest.mark.django_db
def test_fast_detail_cold_then_warm(client_for) -> None:
    world = build_world(participants=20)
    kwargs = {"pk": world.target.pk}
    queries, ops, body = _get(world, "fast-detail", cold=True, **kwargs)
    assert (queries, ops) == (2, {"get": 1, "set": 1})
    client_for(world.user).get(reverse("fast-stats"))  # unrelated reads leave it cached
    _get(world, "fast-list", cold=False)  # caches the caller's joined ids
    queries, ops, warm = _get(world, "fast-detail", cold=False, **kwargs)
    assert (queries, ops) == (1, {"get": 2})
    assert warm == body and warm["joined"] is True  # type: ignore[index]


@pytest.mark.django_db
def test_fast_detail_is_fresh_and_per_user_through_the_cache(client_for) -> None:
    world = build_world(fasts_in_range=2)
    other = make_user(church=world.church)
    path = reverse("fast-detail", kwargs={"pk": world.spare.pk})
    mine, theirs = client_for(world.user), client_for(other)
    before = mine.get(path).json()
    assert before["participant_count"] == 0
    fast_join(profile=other.profile, fast_id=world.spare.pk)
    assert theirs.get(path).json()["joined"] is True
    detail = mine.get(path).json()
    assert (detail["participant_count"], detail["joined"]) == (1, False)
    Day.objects.create(fast=world.spare, church=world.church, date=world.today)
    assert mine.get(path).json()["total_number_of_days"] == before["total_number_of_days"] + 1
    fast = Fast.objects.get(pk=world.spare.pk)
    fast.name = "Renamed"
    fast.save()
    assert theirs.get(path).json()["name"] == "Renamed"


@pytest.mark.django_db
def test_fast_of_another_church_is_never_served_from_the_callers_cache(client_for) -> None:
    world = build_world()
    elsewhere = build_world()
    path = reverse("fast-detail", kwargs={"pk": elsewhere.spare.pk})
    client = client_for(world.user)
    assert client.get(path).json()["participant_count"] == 0
    fast_join(profile=elsewhere.user.profile, fast_id=elsewhere.spare.pk)
    assert client.get(path).json()["participant_count"] == 1
