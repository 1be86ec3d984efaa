"""GET /api/churches/ (page-number list by name) and /api/churches/<id>/."""

import pytest
from rest_framework.test import APIClient

from tests.support.factories import make_church
from tests.support.responses import error_body, ok

pytestmark = pytest.mark.django_db


def test_churches_by_name_in_pages(api_client: APIClient) -> None:
    names = [f"Church {letter}" for letter in "LKJIHGFEDCBA"]
    created = {name: make_church(name=name).pk for name in names}
    ordered = sorted(names)

    first = ok(api_client.get("/api/churches/"))

    assert list(first) == ["count", "next", "previous", "results"]
    assert first["count"] == 12
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert first["results"] == [{"id": created[name], "name": name} for name in ordered[:10]]

    second = ok(api_client.get(first["next"]))
    assert second["results"] == [{"id": created[name], "name": name} for name in ordered[10:]]
    assert second["next"] is None
    assert second["previous"] is not None

    assert error_body(api_client.get("/api/churches/", {"page": 3}), 404) == {
        "detail": "Invalid page.",
        "code": "invalid_page",
    }
    assert error_body(api_client.get("/api/churches/", {"page": "x"}), 404) == {
        "detail": "Invalid page.",
        "code": "invalid_page",
    }


def test_no_churches(api_client: APIClient) -> None:
    assert ok(api_client.get("/api/churches/")) == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_church_detail(api_client: APIClient) -> None:
    church = make_church(name="Saint Sarkis")
    assert ok(api_client.get(f"/api/churches/{church.pk}/")) == {
        "id": church.pk,
        "name": "Saint Sarkis",
    }


@pytest.mark.parametrize("suffix", ["{missing}/", "99999999999999999999999/", "abc/"])
def test_unknown_church_is_404(api_client: APIClient, suffix: str) -> None:
    church = make_church()
    response = api_client.get("/api/churches/" + suffix.format(missing=church.pk + 10))
    body = error_body(response, 404)
    assert "detail" in body


def test_churches_need_no_authentication_even_with_a_bad_token() -> None:
    church = make_church(name="Open")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer garbage")
    assert ok(client.get("/api/churches/"))["count"] == 1
    assert ok(client.get(f"/api/churches/{church.pk}/"))["name"] == "Open"
