"""Refresh token reuse detection (issue 10, item 13; docs/AUTH.md "Security").

A login's refresh tokens form a family: each rotation hands it on. Presenting a token that was
already rotated (or logged out) means two parties hold it; every token of that family is then
revoked, so whoever rotated it last (the thief or the owner) must log in again. Before, the
reused token was refused but its successors stayed valid. Other logins of the same account
are not touched.
"""

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import BlacklistMixin, RefreshToken

from tests.support.concurrency import run_at_once
from tests.support.factories import PASSWORD, make_church, make_user

LOGIN = reverse("token_obtain_pair")
REFRESH = reverse("token_refresh")
LOGOUT = reverse("token_logout")
PROFILE = reverse("profile-detail")


def _login(user: User) -> dict[str, str]:
    response = APIClient().post(
        LOGIN, {"username": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def _refresh(token: str) -> Any:
    return APIClient().post(REFRESH, {"refresh": token}, format="json")


def _rotate(token: str) -> dict[str, str]:
    response = _refresh(token)
    assert response.status_code == 200, response.content
    return dict(response.json())


def _profile_with(access: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return int(client.get(PROFILE).status_code)


@pytest.fixture
def user(db: None) -> User:
    return make_user(church=make_church(), name="Holder")


@pytest.mark.django_db
def test_reusing_a_rotated_token_revokes_its_successors(user: User) -> None:
    first = _login(user)
    second = _rotate(first["refresh"])  # the owner's client
    third = _rotate(second["refresh"])

    reused = _refresh(first["refresh"])  # a copy of the first token, used later
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"

    assert _refresh(third["refresh"]).status_code == 401  # before: 200
    # Access tokens are not revocable: the newest one works until it expires (15 minutes).
    assert _profile_with(third["access"]) == 200


@pytest.mark.django_db
def test_the_other_logins_of_the_account_are_untouched(user: User) -> None:
    phone, laptop = _login(user), _login(user)
    phone_next = _rotate(phone["refresh"])
    assert _refresh(phone["refresh"]).status_code == 401
    assert _refresh(phone_next["refresh"]).status_code == 401
    assert _refresh(laptop["refresh"]).status_code == 200


@pytest.mark.django_db
def test_logging_out_with_a_rotated_token_revokes_the_family(user: User) -> None:
    first = _login(user)
    second = _rotate(first["refresh"])
    logout = APIClient().post(LOGOUT, {"refresh": first["refresh"]}, format="json")
    assert logout.status_code == 401
    assert _refresh(second["refresh"]).status_code == 401


@pytest.mark.django_db
def test_a_normal_logout_ends_only_that_token(user: User) -> None:
    first = _login(user)
    other = _login(user)
    assert APIClient().post(LOGOUT, {"refresh": first["refresh"]}, format="json").status_code == (
        204
    )
    assert _refresh(first["refresh"]).status_code == 401
    assert _refresh(other["refresh"]).status_code == 200


@pytest.mark.django_db
def test_a_token_from_before_families_starts_its_own(user: User) -> None:
    """Tokens issued before this change (a plain jti) keep working, and rotate into a family
    named after them: reusing the old token still revokes its successor."""
    legacy = str(RefreshToken.for_user(user))
    successor = _rotate(legacy)
    assert _refresh(legacy).status_code == 401
    assert _refresh(successor["refresh"]).status_code == 401


@pytest.mark.django_db
def test_a_token_signed_with_our_key_but_never_recorded_rotates(user: User) -> None:
    unrecorded = super(BlacklistMixin, RefreshToken).for_user(user)  # no outstanding row
    assert not OutstandingToken.objects.filter(jti=unrecorded["jti"]).exists()
    pair = _rotate(str(unrecorded))
    assert _refresh(str(unrecorded)).status_code == 401
    assert _refresh(pair["refresh"]).status_code == 401


@pytest.mark.django_db
def test_rotation_keeps_the_family_in_the_jti(user: User) -> None:
    first = _login(user)
    second = _rotate(first["refresh"])
    family = RefreshToken(first["refresh"], verify=False)["jti"].split(".")[0]  # type: ignore[arg-type]
    assert RefreshToken(second["refresh"], verify=False)["jti"].startswith(family + ".")  # type: ignore[arg-type]
    assert _login(user)["refresh"] != first["refresh"]
    another = RefreshToken(_login(user)["refresh"], verify=False)["jti"]  # type: ignore[arg-type]
    assert not another.startswith(family)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_successor_issued_during_the_reuse_is_revoked_too() -> None:
    """The owner rotates the newest token at the very moment the thief replays an old one: the
    two take turns on the user's row, so the family's revocation also sees the successor."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently")
    user = make_user(church=make_church(), name="Raced")
    for _ in range(10):
        first = _login(user)
        current = _rotate(first["refresh"])
        owner, thief = run_at_once(
            [partial(_refresh, current["refresh"]), partial(_refresh, first["refresh"])]
        )
        assert thief.status_code == 401
        if owner.status_code == 200:  # rotated just before the replay
            assert _refresh(owner.json()["refresh"]).status_code == 401
        else:
            assert owner.status_code == 401


def test_reuse_detection_costs_no_query_on_the_normal_paths(
    user: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    """The family lives in the jti: a rotation is still a lookup, a claim and an insert."""
    pair = _login(user)
    with django_assert_max_num_queries(5):  # + SAVEPOINT / RELEASE inside the test transaction
        assert _refresh(pair["refresh"]).status_code == 200
