"""Degenerate page parameters never produce a page that links to itself (issue 10, item 10).

``?limit=0`` on the paginated participants answered an empty page whose ``next`` was the same
URL: a client following ``next`` looped forever. Every paginated endpoint, with every odd
value of its parameters, answers a 400/404 or a page whose links lead somewhere else, and
following ``next`` from any page ends.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import Church, Fast
from hub.services.memberships import fast_join
from tests.support.factories import make_church, make_fast, make_user

pytestmark = pytest.mark.django_db

ROWS = 23  # two full pages of 10 and a partial one
START = dt.date(2031, 3, 2)
LIMIT_OFFSET = {
    "limit": ["0", "-0", "+0", "00", "0.0", " 0", "\u0660", "-1", "1", "100", "101", "1e3", "x"],
    "offset": ["0", "-1", "22", "23", "24", str(10**30), "9" * 5000, "x"],
}
PAGE_NUMBER = {"page": ["0", "-1", "1", "2", "3", "4", "+2", "\u0662", "1e3", "", "x", "9" * 5000]}


@pytest.fixture
def world() -> tuple[User, Church, Fast]:
    church = make_church(name="Church 00")
    for i in range(1, ROWS):
        make_church(name=f"Church {i:02d}")
    fast = make_fast(church=church, start=START, days=ROWS, culmination_feast_date=START)
    member = make_user(church=church, name="Member")
    fast_join(profile=member.profile, fast_id=fast.pk)
    for i in range(ROWS - 1):
        fast_join(profile=make_user(church=church, name=f"P{i}").profile, fast_id=fast.pk)
    return member, church, fast


def _endpoints(fast: Fast) -> dict[str, tuple[str, dict[str, list[str]]]]:
    return {
        "fast-participants-paginated": (
            reverse("fast-participants-paginated", kwargs={"pk": fast.pk}),
            LIMIT_OFFSET,
        ),
        "church-list": (reverse("church-list"), PAGE_NUMBER),
        "fast-days-list": (reverse("fast-days-list", kwargs={"pk": fast.pk}), PAGE_NUMBER),
        "user-days": (reverse("user-days"), PAGE_NUMBER),
    }


def _follow(client: APIClient, url: str, seen: list[str]) -> None:
    """Follow ``next`` until it ends; every URL is new, and there are at most ROWS pages."""
    while url:
        assert url not in seen, f"{url} links back to a page already read: {seen}"
        seen.append(url)
        assert len(seen) <= ROWS + 1
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:200])
        url = response.json()["next"]


@pytest.mark.parametrize(
    "name", ["fast-participants-paginated", "church-list", "fast-days-list", "user-days"]
)
def test_no_parameter_value_makes_a_page_link_to_itself(
    world: tuple[User, Church, Fast], client_for: Callable[[User], APIClient], name: str
) -> None:
    member, _, fast = world
    client = client_for(member)
    path, parameters = _endpoints(fast)[name]
    values: list[dict[str, str]] = [{}] + [
        {key: value} for key, options in parameters.items() for value in options
    ]
    if name == "fast-participants-paginated":
        values += [
            {"limit": limit, "offset": offset}
            for limit in ("0", "1", "7", "100")
            for offset in ("0", "5", "22", "23", "40")
        ]
    answered = 0
    for params in values:
        response = client.get(path, params)
        assert response.status_code in (200, 400, 404), (params, response.content[:200])
        body: dict[str, Any] = response.json()
        if response.status_code != 200:
            assert "detail" in body, (params, body)
            continue
        answered += 1
        here = response.wsgi_request.build_absolute_uri()
        assert body["next"] != here and body["previous"] != here, (params, body)
        assert body["results"] or body["next"] is None, (params, body)
        _follow(client, body["next"], [here])
    assert answered >= 3  # the well-formed values did answer pages


def test_limit_zero_is_a_400(
    world: tuple[User, Church, Fast], client_for: Callable[[User], APIClient]
) -> None:
    member, _, fast = world
    url = reverse("fast-participants-paginated", kwargs={"pk": fast.pk})
    response = client_for(member).get(url, {"limit": 0})
    assert response.status_code == 400
    assert response.json()["detail"] == "limit must be a positive integer."
