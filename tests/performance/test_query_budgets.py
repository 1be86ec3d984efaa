"""Every endpoint runs a constant number of queries, within its budget (hub.api.budgets).

Counted around the whole request (JWT authentication included) on a cold cache, in a small and
a large world for each dimension that could grow a request: fasts per user (1 vs 300), days
per fast (1 vs 400), participants (1 vs 5,000), fasts in the church's list range (1 vs 300).
"""

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from hub.api.budgets import QUERY_BUDGETS
from tests.support.calls import ANONYMOUS_VARIANTS, CATALOGUE
from tests.support.measure import send
from tests.support.worlds import World, build_world

DIMENSIONS: dict[str, tuple[dict[str, int], dict[str, int]]] = {
    "fasts per user": ({"fasts_per_user": 1}, {"fasts_per_user": 300}),
    "days per fast": ({"days_per_fast": 1}, {"days_per_fast": 400}),
    "participants": ({"participants": 1}, {"participants": 5000}),
    "fasts in range": ({"fasts_in_range": 1}, {"fasts_in_range": 300}),
}


def measure_every_endpoint(world: World) -> dict[str, tuple[int, list[str]]]:
    counts: dict[str, tuple[int, list[str]]] = {}
    for label, catalogue in (("", ANONYMOUS_VARIANTS), ("", CATALOGUE)):
        for name, prepare in catalogue.items():
            call = prepare(world)
            key = name if call.authenticated or catalogue is CATALOGUE else f"{name} (anonymous)"
            measured = send(world, call)
            body = measured.response.content[:300]
            assert measured.response.status_code == call.expected, (key, body)
            counts[key + label] = (measured.queries, measured.sql)
    return counts


@pytest.mark.django_db
@pytest.mark.parametrize("dimension", list(DIMENSIONS))
def test_query_count_is_constant_and_within_budget(dimension: str) -> None:
    small_world, large_world = DIMENSIONS[dimension]
    small = measure_every_endpoint(build_world(**small_world))
    large = measure_every_endpoint(build_world(**large_world))

    grew = {n: (small[n][0], large[n][0], large[n][1]) for n in small if small[n][0] != large[n][0]}
    over: dict[str, Any] = {
        n: (count, QUERY_BUDGETS[n.removesuffix(" (anonymous)")], sql)
        for n, (count, sql) in large.items()
        if count > QUERY_BUDGETS[n.removesuffix(" (anonymous)")]
    }
    assert not grew, f"query count grows with {dimension}: {grew}"
    assert not over, f"over budget: {over}"


def _api_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name:
                names.add(pattern.name)

    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) in {"api/", "health/"}:
            walk(pattern.url_patterns)
    return names


def test_every_api_url_has_a_budget_and_is_measured() -> None:
    names = _api_url_names()
    assert names, "no API URL found"
    assert not names - set(QUERY_BUDGETS), f"URLs without a budget: {names - set(QUERY_BUDGETS)}"
    assert not names - set(CATALOGUE), f"Some URLs are untested: {names - set(CATALOGUE)}"
    assert not set(QUERY_BUDGETS) - names, f"budgets for unknown URLs: {set(QUERY_BUDGETS) - names}"
