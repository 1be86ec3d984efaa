from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import Church
from tests.support.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings: Any) -> Callable[..., None]:
    """Set throttle rates (the rest stay generous) for this test."""

    def set_rates(**scoped: str) -> None:
        defaults = {
            "login_ip": "1000/min",
            "login_account": "1000/min",
            "refresh": "1000/min",
            "register": "1000/min",
            "password_reset_ip": "1000/min",
            "password_reset_account": "1000/min",
        }
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**defaults, **scoped},
        }

    return set_rates


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429, response.content
    assert "detail" in response.json()
    assert int(response["Retry-After"]) > 0


def test_hammering_login_with_wrong_passwords_hits_429(
    church: Church, rates: Callable[..., None], login: Callable[..., Any]
) -> None:
    rates(login_account="5/min")
    user = make_user(church=church)
    client = APIClient()
    statuses = [
        login(client, username=user.email, password=f"wrong-{i}").status_code for i in range(5)
    ]
    assert statuses == [401] * 5
    assert_throttled(login(client, username=user.email, password="wrong-again"))
    # The right password does not get through either while the account is throttled...
    assert_throttled(login(client, username=user.email.upper(), password=PASSWORD))
    # ... but another account from the same address does (per-account key).
    other = make_user(church=church)
    assert login(client, email=other.email, password=PASSWORD).status_code == 200


def test_login_per_ip(
    church: Church, rates: Callable[..., None], login: Callable[..., Any]
) -> None:
    rates(login_ip="3/min")
    client = APIClient()
    for i in range(3):
        assert login(client, username=f"user{i}@example.org", password="x").status_code == 401
    assert_throttled(login(client, username="fresh@example.org", password="x"))
    other_ip = APIClient(REMOTE_ADDR="10.1.2.3")
    assert login(other_ip, username="fresh@example.org", password="x").status_code == 401


def test_refresh_is_throttled(church: Church, rates: Callable[..., None]) -> None:
    rates(refresh="2/min")
    client = APIClient()
    for _ in range(2):
        response = client.post(reverse("token_refresh"), {"refresh": "x"}, format="json")
        assert response.status_code == 401
    assert_throttled(client.post(reverse("token_refresh"), {"refresh": "x"}, format="json"))


def test_register_is_throttled(church: Church, rates: Callable[..., None]) -> None:
    rates(register="2/min")
    client = APIClient()
    for _ in range(2):
        assert client.post(reverse("auth_register"), {}, format="json").status_code == 400
    assert_throttled(client.post(reverse("auth_register"), {}, format="json"))


def test_password_reset_is_throttled_per_account_and_ip(
    church: Church, rates: Callable[..., None]
) -> None:
    rates(password_reset_account="2/hour", password_reset_ip="4/hour")
    client = APIClient()
    url = reverse("password_reset")
    for _ in range(2):
        assert client.post(url, {"email": "a@example.org"}, format="json").status_code == 200
    assert_throttled(client.post(url, {"email": "A@example.org"}, format="json"))
    assert client.post(url, {"email": "b@example.org"}, format="json").status_code == 200
    assert_throttled(client.post(url, {"email": "c@example.org"}, format="json"))
