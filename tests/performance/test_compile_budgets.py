"""No endpoint's Python-side work grows unnoticed: the SQL statements the ORM builds and compiles
per request, once the process has served the endpoint, stay within ``COMPILE_BUDGETS`` (reads:
none at all; they run statements prepared once per process). Counted, not timed."""

import pytest

from hub.api.budgets import COMPILE_BUDGETS, QUERY_BUDGETS
from tests.support.calls import ANONYMOUS_VARIANTS, CATALOGUE
from tests.support.measure import send
from tests.support.worlds import build_world


def test_every_endpoint_has_a_compile_budget() -> None:
    assert set(COMPILE_BUDGETS) == set(QUERY_BUDGETS)


@pytest.mark.django_db
@pytest.mark.parametrize("variant", ["authenticated", "anonymous"])
def test_compilations_per_request_stay_within_budget(variant: str) -> None:
    catalogue = CATALOGUE if variant == "authenticated" else ANONYMOUS_VARIANTS
    warm_up = build_world()
    for prepare in catalogue.values():  # the process serves every endpoint once, in order
        send(warm_up, prepare(warm_up))
    world = build_world(participants=3, fasts_per_user=3, days_per_fast=3)
    over = {}
    for name, prepare in catalogue.items():
        call = prepare(world)
        measured = send(world, call)
        assert measured.response.status_code == call.expected, name
        if measured.compiles > COMPILE_BUDGETS[name]:
            over[name] = (measured.compiles, COMPILE_BUDGETS[name])
    assert not over, f"compilations per request (measured, budget): {over}"
