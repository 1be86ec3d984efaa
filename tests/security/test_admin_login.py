"""The admin's login form is rate limited like /api/token/ (issue 10, item 4).

Before: 40 wrong passwords, then the right one logged in, each attempt ~0.5 s of CPU.
"""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from tests.support.factories import PASSWORD, make_church, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def _default_login_limits(settings: Any) -> None:
    """The production defaults, whatever THROTTLE_* the environment sets."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login_ip": "30/min",
            "login_account": "10/min",
        },
    }


def _staff() -> User:
    user = make_user(church=make_church(), name="Staff")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return user


def _attempt(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_forty_wrong_passwords_then_the_right_one_is_refused() -> None:
    staff = _staff()
    client = Client()
    statuses = [_attempt(client, staff.email, f"wrong-{i}").status_code for i in range(40)]
    # Default limits: 10 attempts a minute per account (30 per IP).
    assert statuses == [200] * 10 + [429] * 30
    refused = _attempt(client, staff.email, PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_right_password_logs_in_under_the_limit() -> None:
    # The control: same form, same account, below the limit.
    staff = _staff()
    client = Client()
    for i in range(9):
        assert _attempt(client, staff.email, f"wrong-{i}").status_code == 200
    assert _attempt(client, staff.email, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_admin_and_api_share_the_account_counter() -> None:
    staff = _staff()
    for i in range(10):
        api = APIClient(REMOTE_ADDR=f"10.4.0.{i}").post(
            "/api/token/", {"username": staff.email, "password": "wrong"}, format="json"
        )
        assert api.status_code == 401
    # Another address, another spelling: the account has spent its attempts.
    admin_attempt = _attempt(Client(REMOTE_ADDR="10.4.1.1"), staff.email.upper(), PASSWORD)
    assert admin_attempt.status_code == 429


def test_the_ip_limit_covers_many_accounts() -> None:
    client = Client(REMOTE_ADDR="10.5.0.1")
    statuses = [_attempt(client, f"nobody{i}@example.org", "wrong").status_code for i in range(31)]
    assert statuses == [200] * 30 + [429]
