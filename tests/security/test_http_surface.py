"""CORS, request size limits and the admin, through Django's full middleware stack."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.support.factories import PASSWORD, make_church, make_user

pytestmark = pytest.mark.django_db

APP = "https://app.example.org"
EVIL = "https://evil.example.org"


def _preflight(origin: str, path: str = "/api/fasts/stats/") -> Any:
    return Client().options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )


def _get(origin: str) -> Any:
    church = make_church()
    return Client().get(f"/api/churches/{church.pk}/", HTTP_ORIGIN=origin)


# --- CORS ----------------------------------------------------------------------------------


def test_cors_defaults_allow_no_origin(settings: Any) -> None:
    assert settings.CORS_ALLOWED_ORIGINS == []
    assert getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False) is False
    assert getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", []) == []
    for origin in (APP, EVIL, "null"):
        assert "Access-Control-Allow-Origin" not in _preflight(origin)
        assert "Access-Control-Allow-Origin" not in _get(origin)


@override_settings(CORS_ALLOWED_ORIGINS=[APP])
def test_cors_allows_exactly_the_configured_origin() -> None:
    preflight = _preflight(APP)
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == APP
    assert "authorization" in preflight["Access-Control-Allow-Headers"].lower()
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert _get(APP)["Access-Control-Allow-Origin"] == APP
    # Bearer tokens, not cookies: no credentialed cross-origin requests.
    assert "Access-Control-Allow-Credentials" not in _get(APP)

    for origin in (EVIL, "http://app.example.org", "https://app.example.org.evil.org", "null"):
        assert "Access-Control-Allow-Origin" not in _preflight(origin), origin
        assert "Access-Control-Allow-Origin" not in _get(origin), origin


# --- Request size ----------------------------------------------------------------------------


def test_seven_megabyte_json_body_is_refused_as_json(
    client_for: Callable[[User], APIClient],
) -> None:
    user = make_user(church=make_church(), name="Big")
    body = json.dumps({"name": "x", "location": "y" * (7 * 1024 * 1024)})
    response = client_for(user).patch(
        reverse("profile-detail"), body, content_type="application/json"
    )
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    user.profile.refresh_from_db()
    assert user.profile.location is None


@pytest.mark.parametrize("name", ["auth_register", "token_obtain_pair", "password_reset"])
def test_seven_megabyte_body_on_anonymous_endpoints_is_refused_as_json(name: str) -> None:
    body = json.dumps({"email": "a@example.org", "password": "p" * (7 * 1024 * 1024)})
    response = APIClient().post(reverse(name), body, content_type="application/json")
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_seven_megabyte_multipart_image_is_413_json(
    client_for: Callable[[User], APIClient],
) -> None:
    user = make_user(church=make_church(), name="Big")
    boundary = "----fasthub-security-test"
    payload = b"\xff\xd8\xff" + b"\0" * (7 * 1024 * 1024)
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="profile_image"; filename="big.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client_for(user).generic(
        "PUT",
        reverse("profile-image-upload"),
        body,  # type: ignore[arg-type]  # bytes, as Django's client takes them (the stub says str)
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


# --- Admin -----------------------------------------------------------------------------------


def test_admin_redirects_anonymous_to_login() -> None:
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Client().get("/admin/hub/profile/").status_code == 302


def test_non_staff_user_cannot_log_into_the_admin() -> None:
    user = make_user(church=make_church(), name="Member")
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with an error
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/auth/user/").status_code == 302


def test_staff_user_can_log_into_the_admin() -> None:
    # The control for the test above: same form, same password, only is_staff differs.
    user = make_user(church=make_church(), name="Staff")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_jwt_does_not_open_the_admin(client_for: Callable[[User], APIClient]) -> None:
    user = make_user(church=make_church(), name="Staff")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    user.refresh_from_db()
    response = client_for(user).get("/admin/")
    assert response.status_code == 302


def test_api_requests_carry_no_session_or_csrf_work(
    client_for: Callable[[User], APIClient],
) -> None:
    """Sessions, CSRF cookies and messages belong to the admin: an API answer sets no cookie,
    and the Django request it came from has no session."""
    user = make_user(church=make_church())
    response = client_for(user).get(reverse("profile-detail"))
    assert response.status_code == 200
    assert not response.cookies
    assert not hasattr(response.wsgi_request, "session")
    admin_page = APIClient().get("/admin/login/")
    assert admin_page.status_code == 200
    assert "csrftoken" in admin_page.cookies


def test_the_admin_csrf_check_fails_without_its_middleware(settings: Any) -> None:
    from hub.middleware import CSRF_MIDDLEWARE, admin_csrf_protection_check

    assert admin_csrf_protection_check(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != CSRF_MIDDLEWARE]
    assert [error.id for error in admin_csrf_protection_check(None)] == ["hub.E001"]
