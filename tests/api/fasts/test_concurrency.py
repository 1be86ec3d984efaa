"""Concurrent joins and leaves of one fast all land, each counted once (docs/API.md §3.6)."""

from collections.abc import Callable
from functools import partial

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count
from rest_framework.test import APIClient

from hub.models import Fast, Membership
from tests.support.clock import day
from tests.support.concurrency import run_at_once
from tests.support.factories import make_church, make_fast, make_user
from tests.support.responses import ok

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

JOINERS = 20
LEAVERS = 10


def run_concurrently(
    users: list[User], url: str, fast: Fast, client_for: Callable[[User], APIClient]
) -> list[tuple[int, object]]:
    """Every user sends the same membership request at the same moment, one thread each."""

    def send(client: APIClient) -> tuple[int, object]:
        response = client.put(url, {"fast_id": fast.pk}, format="json")
        return response.status_code, response.json()

    return run_at_once([partial(send, client_for(user)) for user in users])


def test_concurrent_joins_then_leaves(client_for: Callable[[User], APIClient]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently")
    church = make_church(name="Busy church")
    fast = make_fast(church=church, start=day(0), days=3)
    users = [make_user(church=church) for _ in range(JOINERS)]

    joined = run_concurrently(users, "/api/fasts/join/", fast, client_for)

    assert joined == [(200, {})] * JOINERS
    assert Membership.objects.filter(fast=fast).count() == JOINERS
    fast.refresh_from_db()
    assert fast.participant_count == JOINERS

    left = run_concurrently(users[:LEAVERS], "/api/fasts/leave/", fast, client_for)

    assert left == [(200, {"detail": "Successfully left the fast."})] * LEAVERS
    remaining = JOINERS - LEAVERS
    memberships = Membership.objects.filter(fast=fast)
    assert memberships.count() == remaining
    assert set(memberships.values_list("profile_id", flat=True)) == {
        user.profile.pk for user in users[LEAVERS:]
    }
    duplicates = (
        Membership.objects.values("profile_id", "fast_id").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not duplicates.exists()
    fast.refresh_from_db()
    assert fast.participant_count == remaining
    body = ok(APIClient().get(f"/api/fasts/{fast.pk}/"))
    assert body["participant_count"] == remaining
    watcher = client_for(users[-1])
    page = ok(watcher.get(f"/api/fasts/{fast.pk}/participants/paginated/", {"limit": 100}))
    assert page["count"] == remaining
    assert len(page["results"]) == remaining
