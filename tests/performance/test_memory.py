"""Memory per request stays bounded at the large scenarios (tracemalloc peak, whole request)."""

import pytest
from django.urls import reverse

from tests.support.calls import Call
from tests.support.measure import send
from tests.support.worlds import build_world

MiB = 1024 * 1024


@pytest.mark.django_db
def test_stats_of_a_user_with_200_fasts_of_40_days() -> None:
    world = build_world(fasts_per_user=200, days_per_fast=40)
    send(world, Call("get", reverse("fast-stats")))  # warm imports and lazy setup
    measured = send(world, Call("get", reverse("fast-stats")), trace_memory=True)
    assert measured.response.json()["total_fasts"] == 200
    assert measured.peak_bytes <= 0.5 * MiB, measured.peak_bytes / MiB


@pytest.mark.django_db
def test_a_participants_page_of_a_fast_with_5000_participants() -> None:
    world = build_world(participants=5000)
    path = reverse("fast-participants-paginated", kwargs={"pk": world.target.pk})
    send(world, Call("get", f"{path}?limit=100&offset=4900"))
    measured = send(world, Call("get", f"{path}?limit=100&offset=4900"), trace_memory=True)
    body = measured.response.json()
    assert body["count"] == 5000 and len(body["results"]) == 100
    assert measured.peak_bytes <= 0.3 * MiB, measured.peak_bytes / MiB


@pytest.mark.django_db
def test_a_fast_list_of_200_fasts() -> None:
    world = build_world(fasts_in_range=199)
    send(world, Call("get", reverse("fast-list")))
    measured = send(world, Call("get", reverse("fast-list")), trace_memory=True)
    assert len(measured.response.json()) == 200  # 198 others + the joined fast + the spare fast
    assert measured.peak_bytes <= 2 * MiB, measured.peak_bytes / MiB
