"""Every error is JSON with the documented shape, whatever the input (hub.api.errors).

A missing trailing slash is named (a 308 redirect for a GET, a JSON 404 for a write: never the
HTML CSRF page); unknown URLs anywhere are JSON; a JSON body of any nesting depth is a 400 on
every endpoint that reads one, without an error in the log; Django's own 400 is JSON too.
"""

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from config import urls
from hub.api.errors import csrf_failure, server_error
from tests.support.factories import make_church, make_user

pytestmark = pytest.mark.django_db


def _json(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body: dict[str, Any] = json.loads(response.content)
    assert isinstance(body["detail"], str) and isinstance(body["code"], str), body
    return body


@pytest.mark.parametrize(
    "path",
    ["/api/churches", "/api/fasts", "/api/fasts/stats", "/api/profile", "/health", "/admin"],
)
def test_a_get_without_the_trailing_slash_is_redirected_with_its_query(path: str) -> None:
    response = Client().get(path, {"page": "2", "tz": "Asia/Yerevan"})
    assert response.status_code == 308
    assert response["Location"] == f"{path}/?page=2&tz=Asia%2FYerevan"
    assert Client().head(path).status_code == 308


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/token"),
        ("post", "/api/register"),
        ("put", "/api/fasts/join"),
        ("patch", "/api/fasts/leave"),
        ("post", "/api/password/reset"),
        ("delete", "/api/account/delete"),
    ],
)
def test_a_write_without_the_trailing_slash_names_the_right_url(method: str, path: str) -> None:
    # A browser-like client that enforces CSRF: still JSON, never Django's HTML 403 page.
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path, {"x": 1}, content_type="application/json")
    body = _json(response, 404)
    assert body["code"] == "trailing_slash_required"
    assert f"{path}/" in body["detail"]


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
@pytest.mark.parametrize("path", ["/api/nothing-here/", "/nothing-here", "/api/fasts/x/y/"])
def test_unknown_urls_are_json_404(method: str, path: str) -> None:
    body = _json(getattr(Client(enforce_csrf_checks=True), method)(path), 404)
    assert body == {"detail": "Not found.", "code": "not_found"}


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


JSON_WRITES: list[tuple[str, str, bool]] = [
    ("post", "auth_register", False),
    ("post", "token_obtain_pair", False),
    ("post", "token_refresh", False),
    ("post", "token_logout", False),
    ("post", "password_reset", False),
    ("post", "password_reset_confirm", False),
    ("put", "profile-detail", True),
    ("patch", "profile-detail", True),
    ("put", "fast-join", True),
    ("patch", "leave-fast", True),
]


@pytest.mark.parametrize(("method", "name", "authenticated"), JSON_WRITES)
@pytest.mark.parametrize("depth", [40, 1_100, 100_000])
def test_a_deeply_nested_body_is_a_400_on_every_json_endpoint(
    method: str,
    name: str,
    authenticated: bool,
    depth: int,
    client_for: Callable[[User], APIClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = client_for(make_user(church=make_church())) if authenticated else APIClient()
    with caplog.at_level(logging.ERROR):
        response = getattr(client, method)(
            reverse(name), _nested(depth), content_type="application/json"
        )
    body = _json(response, 400)
    assert body["code"] == "parse_error"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_body_within_the_depth_limit_still_reaches_validation() -> None:
    response = APIClient().post(
        reverse("token_obtain_pair"), _nested(20), content_type="application/json"
    )
    assert response.status_code == 400
    # Parsed, then refused by validation: a field error, not a parse error.
    assert response.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


def test_a_disallowed_host_is_json_400() -> None:
    body = _json(Client().get("/api/churches/", HTTP_HOST="evil.example"), 400)
    assert body["code"] == "bad_request"


def test_django_handlers_are_the_json_ones() -> None:
    assert urls.handler400 == "hub.api.errors.bad_request"
    assert urls.handler403 == "hub.api.errors.permission_denied"
    assert urls.handler404 == "hub.api.errors.not_found"
    assert urls.handler500 == "hub.api.errors.server_error"
    request = RequestFactory().get("/api/churches/")
    assert _json(server_error(request), 500)["code"] == "server_error"


def test_a_csrf_failure_is_json_outside_the_admin_and_a_page_inside(settings: Any) -> None:
    assert settings.CSRF_FAILURE_VIEW == "hub.api.errors.csrf_failure"
    api = csrf_failure(RequestFactory().post("/api/anything/"), reason="CSRF cookie not set.")
    assert _json(api, 403)["code"] == "csrf_failed"
    page = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    assert page.status_code == 403
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/", "/api/"])
def test_the_root_and_the_api_root_answer_a_small_index(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert response.json() == {
        "name": "Fasthub API",
        "version": "1.0.0",
        "docs": "http://testserver/api/docs/",
        "schema": "http://testserver/api/schema/",
        "health": "http://testserver/health/",
    }
    for link in ("docs", "schema", "health"):
        assert Client().get(response.json()[link]).status_code == 200


@pytest.mark.parametrize("debug", [False, True])
def test_a_file_part_cannot_carry_a_body_past_the_limit(
    debug: bool, settings: Any, client_for: Callable[[User], APIClient]
) -> None:
    """Django leaves file parts out of its body limit; here they count, DEBUG or not."""
    settings.DEBUG = debug
    client = client_for(make_user(church=make_church()))
    big = SimpleUploadedFile("pad.bin", b"x" * (7 * 1024 * 1024))
    response = client.put(reverse("fast-join"), {"fast_id": 1, "pad": big}, format="multipart")
    assert _json(response, 413)["code"] == "payload_too_large"
    small = SimpleUploadedFile("pad.bin", b"x" * 1024)
    response = client.put(reverse("fast-join"), {"fast_id": 1, "pad": small}, format="multipart")
    assert _json(response, 404)["code"] == "fast_not_found"  # read normally


def test_an_empty_tz_is_no_tz(client_for: Callable[[User], APIClient]) -> None:
    client = client_for(make_user(church=make_church(), timezone="Asia/Yerevan"))
    assert client.get("/api/fasts/stats/", {"tz": ""}).status_code == 200
