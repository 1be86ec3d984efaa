import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import Church
from tests.support.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
CONFIRM = reverse("password_reset_confirm")
SENT = {"detail": "Password reset email has been sent."}
NEW = "Copper-Kettle-Meadow-77"


def request_reset(email: str) -> Any:
    return APIClient().post(RESET, {"email": email}, format="json")


def link_parts(message: Any) -> dict[str, str]:
    match = re.search(r"\?uidb64=([\w-]+)&token=([\w-]+)", message.body)
    assert match, message.body
    return {"uidb64": match.group(1), "token": match.group(2)}


def confirm(parts: dict[str, str], password: str = NEW, again: str | None = None) -> Any:
    body = {**parts, "new_password": password, "confirm_password": again or password}
    return APIClient().post(CONFIRM, body, format="json")


def test_mail_only_for_a_real_account_and_same_answer(church: Church, settings: Any) -> None:
    settings.PASSWORD_RESET_URL = "https://app.example.org/reset"
    user = make_user(church=church)

    known = request_reset(user.email.upper())
    unknown = request_reset("nobody@example.org")

    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json() == SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "https://app.example.org/reset?uidb64=" in message.body


def test_inactive_account_gets_no_mail(church: Church) -> None:
    user = make_user(church=church)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert request_reset(user.email).json() == SENT
    assert mail.outbox == []


def test_background_sending_delivers(church: Church, settings: Any) -> None:
    settings.PASSWORD_RESET_EMAIL_IN_BACKGROUND = True
    user = make_user(church=church)
    assert request_reset(user.email).json() == SENT
    deadline = time.monotonic() + 5
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [m.to for m in mail.outbox] == [[user.email]]


@pytest.mark.parametrize("body", [{}, {"email": "not-an-email"}, {"email": ["a@b.org"]}])
def test_reset_bad_input_is_400(church: Church, body: Any) -> None:
    response = APIClient().post(RESET, body, format="json")
    assert response.status_code == 400
    assert "email" in response.json()


def test_confirm_sets_password_once_and_revokes_refresh_tokens(
    logged_in: Callable[..., Any], login: Callable[..., Any]
) -> None:
    user, client = logged_in()
    old_refresh = client.refresh_token
    request_reset(user.email)
    parts = link_parts(mail.outbox[0])

    response = confirm(parts)
    assert response.status_code == 200, response.content
    assert response.json() == {"detail": "Password has been reset successfully."}

    assert login(APIClient(), username=user.email, password=PASSWORD).status_code == 401
    assert login(APIClient(), username=user.email, password=NEW).status_code == 200
    refreshed = APIClient().post(reverse("token_refresh"), {"refresh": old_refresh}, format="json")
    assert refreshed.status_code == 401

    reused = confirm(parts, password="Another-Fine-Passphrase-9")
    assert reused.status_code == 400
    assert "non_field_errors" in reused.json()


@pytest.mark.parametrize(
    ("change", "password", "again"),
    [
        ({"uidb64": "bm9wZQ"}, NEW, None),  # "nope"
        ({"uidb64": "!!!"}, NEW, None),
        ({"uidb64": "OTk5OTk5"}, NEW, None),  # user 999999
        ({"uidb64": "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}, NEW, None),  # 30 nines
        ({"token": "abc-123"}, NEW, None),
        ({}, NEW, NEW + "x"),
        ({}, "short", None),
        ({}, "password", None),
    ],
    ids=[
        "uid-not-int",
        "uid-garbage",
        "uid-unknown",
        "uid-huge",
        "bad-token",
        "mismatch",
        "short",
        "common",
    ],
)
def test_confirm_problems_are_400_non_field_errors(
    church: Church, change: dict[str, str], password: str, again: str | None
) -> None:
    user = make_user(church=church)
    request_reset(user.email)
    parts = {**link_parts(mail.outbox[0]), **change}
    response = confirm(parts, password=password, again=again)
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_expired_token_is_400(church: Church, settings: Any) -> None:
    user = make_user(church=church)
    request_reset(user.email)
    parts = link_parts(mail.outbox[0])
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert confirm(parts).status_code == 400


def test_confirm_missing_fields(church: Church) -> None:
    response = APIClient().post(CONFIRM, {"token": "x"}, format="json")
    assert response.status_code == 400
    assert {"uidb64", "new_password", "confirm_password"} <= set(response.json())
