"""Whatever a client sends to the account endpoints, the answer is a JSON 4xx, never a 500."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("post", "auth_register"),
    ("post", "token_obtain_pair"),
    ("post", "token_refresh"),
    ("post", "token_logout"),
    ("put", "profile-detail"),
    ("patch", "profile-detail"),
    ("post", "password_reset"),
    ("post", "password_reset_confirm"),
]
BODIES = [
    "null",
    "42",
    '"text"',
    "[]",
    "{}",
    '{"email": null, "password": null, "refresh": null, "username": null}',
    '{"email": "a\\u0000b@example.org", "username": "x\\u0000", "password": "p\\u0000"}',
    '{"email": {"$gt": ""}, "refresh": ["a"], "uidb64": 1, "token": true, "name": 1.5}',
    '{"church": 99999999999999999999999999, "profile": {"church": 99999999999999999999}}',
    '{"timezone": "UTC\\u0000", "location": null, "name": null}',
]


@pytest.mark.parametrize(("method", "name"), ENDPOINTS)
@pytest.mark.parametrize("body", BODIES)
def test_odd_json_bodies_are_json_4xx_or_success(
    logged_in: Callable[..., Any], method: str, name: str, body: str
) -> None:
    _, client = logged_in()
    response = getattr(client, method)(reverse(name), body, content_type="application/json")
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json")
        assert response.json()


@pytest.mark.parametrize(("method", "name"), ENDPOINTS)
@pytest.mark.parametrize("body_format", ["multipart", "form"])
def test_form_bodies_are_read_like_json(
    logged_in: Callable[..., Any], method: str, name: str, body_format: str
) -> None:
    """The same fields, sent as a form, get the same answer as sent as JSON (both invalid
    here: a 400 naming the fields, never a 415 or a 500)."""
    _, client = logged_in()
    fields = {"email": "not-an-email", "timezone": "Nowhere/Else", "refresh": "x"}
    as_json = getattr(client, method)(reverse(name), fields, format="json")
    if body_format == "form":
        encoded = "&".join(f"{key}={value}" for key, value in fields.items())
        as_form = getattr(client, method)(
            reverse(name), encoded, content_type="application/x-www-form-urlencoded"
        )
    else:
        as_form = getattr(client, method)(reverse(name), fields, format="multipart")
    assert as_form.status_code == as_json.status_code != 415, as_form.content
    assert as_form.json() == as_json.json()


def test_delete_and_image_upload_reject_other_methods(logged_in: Callable[..., Any]) -> None:
    _, client = logged_in()
    assert client.get(reverse("account-delete")).status_code == 405
    assert client.post(reverse("profile-image-upload")).status_code == 405
    assert client.get(reverse("token_obtain_pair")).status_code == 405
