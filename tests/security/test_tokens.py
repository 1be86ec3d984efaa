"""Access tokens the API must refuse: wrong key, wrong algorithm, wrong type, edited, orphaned."""

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.support.factories import make_church, make_user

pytestmark = pytest.mark.django_db

PROTECTED = ["profile-detail", "fast-stats", "user-days"]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _claims(token: str) -> dict[str, Any]:
    return dict(json.loads(_unb64(token.split(".")[1])))


def _get(token: str, name: str = "profile-detail") -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(reverse(name))


def _assert_refused(response: Any) -> None:
    assert response.status_code == 401, response.content
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.fixture
def user() -> User:
    return make_user(church=make_church(), name="Holder")


def test_a_real_token_works(user: User) -> None:
    # The control: everything below is refused for the token, not for the endpoint.
    token = str(AccessToken.for_user(user))
    for name in PROTECTED:
        assert _get(token, name).status_code == 200


@pytest.mark.parametrize("name", PROTECTED)
def test_token_signed_with_another_key_is_401(user: User, name: str) -> None:
    claims = _claims(str(AccessToken.for_user(user)))
    forged = TokenBackend("HS256", signing_key="not-the-server-key-" + "x" * 32).encode(claims)
    _assert_refused(_get(forged, name))


def test_token_with_alg_none_is_401(user: User) -> None:
    claims = _claims(str(AccessToken.for_user(user)))
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(claims).encode())
    for unsigned in (f"{header}.{payload}.", f"{header}.{payload}"):
        _assert_refused(_get(unsigned))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_token_signed_with_the_right_key_but_another_algorithm_is_401(user: User) -> None:
    claims = _claims(str(AccessToken.for_user(user)))
    key = settings.SIMPLE_JWT["SIGNING_KEY"]
    _assert_refused(_get(TokenBackend("HS512", signing_key=key).encode(claims)))


def test_tampered_user_id_is_401(user: User) -> None:
    victim = make_user(church=make_church(), name="Victim")
    header, payload, signature = str(AccessToken.for_user(user)).split(".")
    claims = json.loads(_unb64(payload))
    claims["user_id"] = str(victim.pk) if isinstance(claims["user_id"], str) else victim.pk
    tampered = f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"
    response = _get(tampered)
    _assert_refused(response)
    assert victim.email.encode() not in response.content


def test_refresh_token_is_not_an_access_token(user: User) -> None:
    refresh = RefreshToken.for_user(user)
    for name in PROTECTED:
        _assert_refused(_get(str(refresh), name))
    # Its embedded access token is fine: the refusal is about the token type.
    assert _get(str(refresh.access_token)).status_code == 200


def test_access_token_of_a_deleted_user_is_401(
    user: User, client_for: Callable[[User], APIClient]
) -> None:
    token = str(AccessToken.for_user(user))
    assert _get(token).status_code == 200
    deleted = client_for(user).delete(reverse("account-delete"))
    assert deleted.status_code == 204
    for name in PROTECTED:
        _assert_refused(_get(token, name))


def test_expired_token_is_401(user: User) -> None:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"])
    _assert_refused(_get(str(token)))


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer not.a.jwt", "Bearer a b", "Token abc", "Bearer " + "x" * 5000],
)
def test_malformed_authorization_headers_are_401_or_ignored(user: User, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(reverse("profile-detail"))
    # An unknown scheme is not our credential (anonymous, so 401 from the permission check).
    _assert_refused(response)
