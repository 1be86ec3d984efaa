"""GET /api/fasts/<id>/days/ and /api/user/days/: page-number lists of Day, by date."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church, Day
from hub.services.memberships import fast_join
from tests.support.clock import day, iso
from tests.support.factories import make_church, make_fast, make_user
from tests.support.responses import detail_of, error_body, ok

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]


def dates(body: dict) -> list[str]:
    return [row["date"] for row in body["results"]]


def test_days_of_a_fast_two_pages(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, dates=[day(i) for i in reversed(range(12))])
    make_fast(church=church, start=day(0), days=3)  # another fast's days are not listed

    first = ok(api_client.get(f"/api/fasts/{fast.pk}/days/"))

    assert first["count"] == 12
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert dates(first) == [iso(i) for i in range(10)]
    one = first["results"][0]
    assert list(one) == ["id", "date", "fast", "church"]
    assert one == {
        "id": Day.objects.get(fast=fast, date=day(0)).pk,
        "date": iso(0),
        "fast": fast.pk,
        "church": church.pk,
    }

    second = ok(api_client.get(first["next"]))
    assert dates(second) == [iso(10), iso(11)]
    assert second["next"] is None
    assert second["previous"] is not None
    assert second["count"] == 12

    response = api_client.get(f"/api/fasts/{fast.pk}/days/", {"page": 3})
    assert error_body(response, 404) == {"detail": "Invalid page.", "code": "invalid_page"}


def test_days_of_an_unknown_fast_is_404(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, start=day(0), days=1)
    response = api_client.get(f"/api/fasts/{fast.pk + 50}/days/")
    assert error_body(response, 404) == {"detail": "Not found.", "code": "not_found"}


def test_days_of_a_fast_without_days(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church)
    body = ok(api_client.get(f"/api/fasts/{fast.pk}/days/"))
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize("page", ["0", "abc", "-2"])
def test_days_invalid_page(api_client: APIClient, church: Church, page: str) -> None:
    fast = make_fast(church=church, start=day(0), days=3)
    response = api_client.get(f"/api/fasts/{fast.pk}/days/", {"page": page})
    assert error_body(response, 404) == {"detail": "Invalid page.", "code": "invalid_page"}


def test_user_days_are_the_days_of_joined_fasts_by_date(
    client_for: Client, church: Church, member: User
) -> None:
    weekly = make_fast(church=church, dates=[day(0), day(7), day(14)], name="weekly")
    short = make_fast(church=make_church(name="Elsewhere"), start=day(6), days=3, name="short")
    make_fast(church=church, start=day(1), days=4, name="not joined")
    fast_join(profile=member.profile, fast_id=short.pk)
    fast_join(profile=member.profile, fast_id=weekly.pk)
    fast_join(profile=make_user(church=church).profile, fast_id=weekly.pk)

    body = ok(client_for(member).get("/api/user/days/"))

    assert body["count"] == 6
    assert body["next"] is None and body["previous"] is None
    rows = [(row["date"], row["fast"]) for row in body["results"]]
    # by date; two days on the same date may come in either order
    assert [date for date, _ in rows] == [iso(0), iso(6), iso(7), iso(7), iso(8), iso(14)]
    assert sorted(rows) == sorted(
        [
            (iso(0), weekly.pk),
            (iso(6), short.pk),
            (iso(7), short.pk),
            (iso(7), weekly.pk),
            (iso(8), short.pk),
            (iso(14), weekly.pk),
        ]
    )
    assert all(list(row) == ["id", "date", "fast", "church"] for row in body["results"])


def test_user_days_pages(client_for: Client, church: Church, member: User) -> None:
    fast = make_fast(church=church, start=day(-5), days=15)
    fast_join(profile=member.profile, fast_id=fast.pk)
    client = client_for(member)

    first = ok(client.get("/api/user/days/"))
    assert first["count"] == 15
    assert dates(first) == [iso(i) for i in range(-5, 5)]
    second = ok(client.get("/api/user/days/", {"page": 2}))
    assert dates(second) == [iso(i) for i in range(5, 10)]
    assert error_body(client.get("/api/user/days/", {"page": 3}), 404) == {
        "detail": "Invalid page.",
        "code": "invalid_page",
    }


def test_user_days_when_nothing_joined(client_for: Client, church: Church, member: User) -> None:
    make_fast(church=church, start=day(0), days=3)
    body = ok(client_for(member).get("/api/user/days/"))
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_user_days_anonymous_is_401(api_client: APIClient) -> None:
    assert detail_of(api_client.get("/api/user/days/"), 401)
