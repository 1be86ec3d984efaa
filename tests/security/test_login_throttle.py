"""Login brute force, in process: the account key ignores case and the IP key cannot be spoofed.

The cross-worker behaviour (two gunicorn processes sharing Redis) is in test_live_server.py.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.support.factories import PASSWORD, make_church, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings: Any) -> Iterator[Any]:
    def set_rates(**scoped: str) -> None:
        generous = dict.fromkeys(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000/min")
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**generous, **scoped},
        }

    yield set_rates


def _login(client: APIClient, username: str, password: str, **extra: Any) -> Any:
    return client.post(
        reverse("token_obtain_pair"),
        {"username": username, "password": password},
        format="json",
        **extra,
    )


def test_account_throttle_counts_every_spelling_of_one_email(rates: Any) -> None:
    rates(login_account="5/min")
    user = make_user(church=make_church())
    local, domain = user.email.split("@")
    spellings = [
        user.email,
        user.email.upper(),
        f"{local.capitalize()}@{domain}",
        f"  {user.email}  ",
        f"{local}@{domain.upper()}",
    ]
    for i, spelling in enumerate(spellings):
        # A fresh client address each time: only the account key can add these up.
        client = APIClient(REMOTE_ADDR=f"10.0.0.{i + 1}")
        assert _login(client, spelling, "wrong").status_code == 401, spelling
    refused = _login(APIClient(REMOTE_ADDR="10.0.1.1"), user.email.title(), PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # The email key also covers the `email` field of the same endpoint.
    by_email = APIClient(REMOTE_ADDR="10.0.1.2").post(
        reverse("token_obtain_pair"), {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert by_email.status_code == 429


def test_ip_throttle_is_not_reset_by_a_forged_forwarded_for(rates: Any) -> None:
    """With no proxy configured, X-Forwarded-For is whatever the client wrote: never trust it."""
    rates(login_ip="3/min")
    client = APIClient(REMOTE_ADDR="192.0.2.10")
    for i in range(3):
        response = _login(
            client, f"nobody{i}@example.org", "x", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        )
        assert response.status_code == 401
    refused = _login(client, "nobody9@example.org", "x", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert refused.status_code == 429


def test_behind_one_proxy_the_client_address_is_the_one_the_proxy_appended(
    rates: Any, settings: Any
) -> None:
    rates(login_ip="2/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = APIClient(REMOTE_ADDR="10.9.9.9")
    for forged in ("1.1.1.1, 198.51.100.7", "2.2.2.2, 198.51.100.7"):
        assert _login(proxy, "x@example.org", "x", HTTP_X_FORWARDED_FOR=forged).status_code == 401
    spoofed = _login(proxy, "y@example.org", "x", HTTP_X_FORWARDED_FOR="3.3.3.3, 198.51.100.7")
    assert spoofed.status_code == 429
    other = _login(proxy, "y@example.org", "x", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 401
