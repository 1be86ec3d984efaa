"""GET /api/fasts/by-date/ and /api/fasts/by-feast-date/: page-number lists of Fast
(docs/API.md §3.5)."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church
from hub.services.memberships import fast_join
from tests.support.clock import day, iso
from tests.support.factories import make_church, make_fast, make_user
from tests.support.responses import FAST_KEYS, detail_of, error_body, ok

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]

BY_DATE = "/api/fasts/by-date/"
BY_FEAST = "/api/fasts/by-feast-date/"


def ids(body: dict) -> list[int]:
    return [item["id"] for item in body["results"]]


def test_by_date_defaults_to_today(api_client: APIClient, church: Church) -> None:
    today = make_fast(church=church, start=day(-2), days=5, name="ongoing")
    make_fast(church=church, dates=[day(-1), day(1)], name="skips today")
    make_fast(church=church, start=day(1), days=3, name="tomorrow")
    make_fast(church=make_church(name="Elsewhere"), start=day(0), days=1)

    body = ok(api_client.get(BY_DATE, {"church_id": church.pk}))

    assert body == {"count": 1, "next": None, "previous": None, "results": body["results"]}
    (item,) = body["results"]
    assert list(item) == FAST_KEYS
    assert item["id"] == today.pk
    assert item["current_day_number"] == 3


def test_by_date_counts_day_numbers_up_to_the_requested_date(
    api_client: APIClient, church: Church
) -> None:
    fast = make_fast(church=church, start=day(-2), days=7, name="Week")

    body = ok(api_client.get(BY_DATE, {"church_id": str(church.pk), "date": iso(2)}))

    (item,) = body["results"]
    assert item["id"] == fast.pk
    assert item["current_day_number"] == 5
    # every other field still speaks about today
    assert item["next_fast_date"] == iso(0)
    assert item["has_passed"] is False
    assert item["countdown"] == "<span class='days_to_finish'>5</span> days until the end of Week"

    past = ok(api_client.get(BY_DATE, {"church_id": str(church.pk), "date": iso(-2)}))
    assert past["results"][0]["current_day_number"] == 1


def test_by_date_day_number_of_a_weekly_fast(api_client: APIClient, church: Church) -> None:
    make_fast(church=church, dates=[day(-14), day(-7), day(0), day(7), day(14)])

    body = ok(api_client.get(BY_DATE, {"church_id": str(church.pk), "date": iso(7)}))

    assert body["results"][0]["current_day_number"] == 4


def test_by_date_on_a_date_without_fasts(api_client: APIClient, church: Church) -> None:
    make_fast(church=church, dates=[day(-1), day(1)])
    body = ok(api_client.get(BY_DATE, {"church_id": str(church.pk), "date": iso(0)}))
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_by_date_joined_and_church_of_the_caller(
    client_for: Client, church: Church, member: User
) -> None:
    first = make_fast(church=church, start=day(0), days=1, name="a")
    second = make_fast(church=church, start=day(-1), days=2, name="b")
    fast_join(profile=member.profile, fast_id=first.pk)
    other_church = make_church(name="Elsewhere")
    make_fast(church=other_church, start=day(0), days=1)

    body = ok(client_for(member).get(BY_DATE, {"church_id": other_church.pk}))

    assert ids(body) == [second.pk, first.pk]
    assert [item["joined"] for item in body["results"]] == [False, True]
    anonymous = ok(APIClient().get(BY_DATE, {"church_id": church.pk}))
    assert [item["joined"] for item in anonymous["results"]] == [False, False]


def test_by_date_church_context_errors(client_for: Client, api_client: APIClient) -> None:
    assert detail_of(api_client.get(BY_DATE)) == "church_id query parameter is required."
    assert (
        detail_of(api_client.get(BY_DATE, {"church_id": 424242}))
        == "Church with the provided ID does not exist."
    )
    assert detail_of(api_client.get(BY_DATE, {"church_id": "x"}))
    assert (
        detail_of(client_for(make_user(name="x")).get(BY_DATE))
        == "No church associated with your profile."
    )


@pytest.mark.parametrize("path", [BY_DATE, BY_FEAST])
@pytest.mark.parametrize("value", ["2026-13-45", "20261301", "", "10-03-2026"])
def test_malformed_date_is_400(
    api_client: APIClient, church: Church, path: str, value: str
) -> None:
    assert detail_of(api_client.get(path, {"church_id": str(church.pk), "date": value}))


# --- Pagination ---------------------------------------------------------------------------------


@pytest.fixture
def twelve_fasts(church: Church) -> list[int]:
    return [
        make_fast(church=church, start=day(-12 + i), days=13 - i, name=f"Fast {i:02}").pk
        for i in range(12)
    ]


def test_page_number_pagination(
    api_client: APIClient, church: Church, twelve_fasts: list[int]
) -> None:
    first = ok(api_client.get(BY_DATE, {"church_id": church.pk}))

    assert first["count"] == 12
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert f"church_id={church.pk}" in first["next"]
    assert first["next"].startswith("http")
    assert ids(first) == twelve_fasts[:10]

    second = api_client.get(first["next"])
    body = ok(second)
    assert body["count"] == 12
    assert body["next"] is None
    assert body["previous"] is not None
    assert "page=2" not in body["previous"]
    assert ids(body) == twelve_fasts[10:]
    assert ids(ok(api_client.get(body["previous"]))) == twelve_fasts[:10]


@pytest.mark.parametrize("page", ["0", "abc", "3", "-1", "1.5", ""])
def test_invalid_page_is_404(
    api_client: APIClient, church: Church, twelve_fasts: list[int], page: str
) -> None:
    response = api_client.get(BY_DATE, {"church_id": str(church.pk), "page": page})
    assert error_body(response, 404) == {"detail": "Invalid page.", "code": "invalid_page"}


def test_page_two_of_an_empty_result_is_404(api_client: APIClient, church: Church) -> None:
    response = api_client.get(BY_DATE, {"church_id": church.pk, "page": 2})
    assert error_body(response, 404) == {"detail": "Invalid page.", "code": "invalid_page"}


# --- By feast date ------------------------------------------------------------------------------


def test_by_feast_date_requires_the_date(api_client: APIClient, church: Church) -> None:
    assert detail_of(api_client.get(BY_FEAST, {"church_id": church.pk}))


def test_by_feast_date_finds_the_fast_of_that_feast(
    client_for: Client, church: Church, member: User
) -> None:
    lent = make_fast(
        church=church,
        start=day(-40),
        days=48,
        name="Great Lent",
        culmination_feast="Easter",
        culmination_feast_date=day(10),
    )
    make_fast(
        church=church,
        start=day(0),
        days=3,
        culmination_feast="Other",
        culmination_feast_date=day(11),
    )
    make_fast(
        church=make_church(name="Elsewhere"),
        start=day(0),
        days=3,
        culmination_feast="Easter",
        culmination_feast_date=day(10),
    )
    fast_join(profile=member.profile, fast_id=lent.pk)

    body = ok(client_for(member).get(BY_FEAST, {"date": iso(10)}))

    assert body["count"] == 1
    assert body["next"] is None and body["previous"] is None
    (item,) = body["results"]
    assert list(item) == FAST_KEYS
    assert item["id"] == lent.pk
    assert item["joined"] is True
    assert item["countdown"] == "<span class='days_to_finish'>10</span> days until Easter"
    assert item["days_to_feast"] == 10
    assert item["current_day_number"] == 41

    none = ok(client_for(member).get(BY_FEAST, {"date": iso(12)}))
    assert none == {"count": 0, "next": None, "previous": None, "results": []}


def test_by_feast_date_church_context(api_client: APIClient, church: Church) -> None:
    fast = make_fast(church=church, start=day(0), days=2, culmination_feast_date=day(2))
    assert detail_of(api_client.get(BY_FEAST, {"date": iso(2)})) == (
        "church_id query parameter is required."
    )
    body = ok(api_client.get(BY_FEAST, {"date": iso(2), "church_id": str(church.pk)}))
    assert ids(body) == [fast.pk]
