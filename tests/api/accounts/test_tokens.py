from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from hub.models import Church
from tests.support.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

REFRESH = reverse("token_refresh")
LOGOUT = reverse("token_logout")
PROFILE = reverse("profile-detail")


def bearer(client: APIClient, access: str) -> APIClient:
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


@pytest.mark.parametrize("field", ["username", "email"])
def test_login_by_username_or_email_case_insensitive(
    church: Church, login: Callable[..., Any], field: str
) -> None:
    user = make_user(church=church)
    response = login(APIClient(), **{field: f"  {user.email.upper()}", "password": PASSWORD})
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert set(tokens) == {"refresh", "access"}
    me = bearer(APIClient(), tokens["access"]).get(PROFILE)
    assert me.status_code == 200
    assert me.json()["user_id"] == user.pk


def test_wrong_password_and_unknown_user_are_401(church: Church, login: Callable[..., Any]) -> None:
    user = make_user(church=church)
    wrong = login(APIClient(), username=user.email, password="not-it")
    unknown = login(APIClient(), username="nobody@example.org", password=PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "detail" in wrong.json()


@pytest.mark.parametrize(
    "body",
    [{}, {"password": PASSWORD}, {"username": "a@example.org"}, {"username": 5, "password": []}],
)
def test_login_bad_input_is_400(church: Church, login: Callable[..., Any], body: Any) -> None:
    response = login(APIClient(), **body)
    assert response.status_code == 400
    assert response.json()


def test_inactive_user_cannot_log_in(church: Church, login: Callable[..., Any]) -> None:
    user = make_user(church=church)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert login(APIClient(), username=user.email, password=PASSWORD).status_code == 401


def test_inactive_user_tokens_stop_working(logged_in: Callable[..., Any]) -> None:
    user, client = logged_in()
    assert client.get(PROFILE).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert client.get(PROFILE).status_code == 401
    refreshed = APIClient().post(REFRESH, {"refresh": client.refresh_token}, format="json")
    assert refreshed.status_code == 401
    assert "detail" in refreshed.json()


def test_refresh_rotates_and_old_refresh_is_single_use(logged_in: Callable[..., Any]) -> None:
    _, client = logged_in()
    old = client.refresh_token
    first = APIClient().post(REFRESH, {"refresh": old}, format="json")
    assert first.status_code == 200, first.content
    pair = first.json()
    assert set(pair) == {"access", "refresh"}
    assert pair["refresh"] != old
    assert bearer(APIClient(), pair["access"]).get(PROFILE).status_code == 200

    second = APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert second.status_code == 200

    reused = APIClient().post(REFRESH, {"refresh": old}, format="json")
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"
    # Reuse of a rotated token revokes the whole login: its newest token too
    # (tests/security/test_refresh_token_reuse.py).
    newest = APIClient().post(REFRESH, {"refresh": second.json()["refresh"]}, format="json")
    assert newest.status_code == 401


def test_refresh_ignores_a_stale_authorization_header(logged_in: Callable[..., Any]) -> None:
    _, client = logged_in()
    stale = bearer(APIClient(), "expired.or.garbage")
    assert stale.post(REFRESH, {"refresh": client.refresh_token}, format="json").status_code == 200


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
def test_refresh_garbage(church: Church, token: str) -> None:
    response = APIClient().post(REFRESH, {"refresh": token}, format="json")
    assert response.status_code in (400, 401)
    assert response.json()


def test_access_token_is_not_a_refresh_token(logged_in: Callable[..., Any], login: Any) -> None:
    user, _ = logged_in()
    access = login(APIClient(), username=user.email, password=PASSWORD).json()["access"]
    assert APIClient().post(REFRESH, {"refresh": access}, format="json").status_code == 401
    assert APIClient().post(LOGOUT, {"refresh": access}, format="json").status_code == 401


def test_logout_revokes_the_refresh_token(logged_in: Callable[..., Any]) -> None:
    _, client = logged_in()
    response = APIClient().post(LOGOUT, {"refresh": client.refresh_token}, format="json")
    assert response.status_code == 204
    assert response.content == b""

    refreshed = APIClient().post(REFRESH, {"refresh": client.refresh_token}, format="json")
    assert refreshed.status_code == 401

    again = APIClient().post(LOGOUT, {"refresh": client.refresh_token}, format="json")
    assert again.status_code == 401
    assert again.json()["code"] == "token_not_valid"


def test_logout_bad_input(church: Church) -> None:
    assert APIClient().post(LOGOUT, {}, format="json").status_code == 400
    garbage = APIClient().post(LOGOUT, {"refresh": "garbage"}, format="json")
    assert garbage.status_code == 401
    assert "detail" in garbage.json()


def test_expired_refresh_token_is_refused(logged_in: Callable[..., Any], settings: Any) -> None:
    from datetime import timedelta

    from rest_framework_simplejwt.tokens import RefreshToken

    user, _ = logged_in()
    token = RefreshToken.for_user(user)
    token.set_exp(lifetime=timedelta(seconds=-1))
    assert APIClient().post(REFRESH, {"refresh": str(token)}, format="json").status_code == 401
    assert APIClient().post(LOGOUT, {"refresh": str(token)}, format="json").status_code == 401


def test_login_records_outstanding_refresh_tokens(logged_in: Callable[..., Any]) -> None:
    user, client = logged_in()
    APIClient().post(REFRESH, {"refresh": client.refresh_token}, format="json")
    assert OutstandingToken.objects.filter(user=user).count() == 2
