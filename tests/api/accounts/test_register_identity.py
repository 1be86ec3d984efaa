"""One account per person: emails in one normal form (NFKC, case-folded), no 500 on a race.

The original service let a fullwidth letter or a case-fold variant register a second account
and answered 500 when two registrations of one address raced. Now the address is normalised
once, stored identically as username and email, and a lost race is the same 400 as a
duplicate.
"""

from functools import partial
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from hub.identity import email_normalize
from hub.models import Church
from hub.services.accounts import user_register
from tests.support.concurrency import run_at_once

URL = reverse("auth_register")
STRONG = "Blue-Lantern-Orchard-42"
DUPLICATE = {"email": ["A user with that email already exists."]}


def _register(church: Church, email: str) -> Any:
    body = {
        "email": email,
        "password": STRONG,
        "password2": STRONG,
        "profile": {"name": "Anna", "church": church.pk},
    }
    return APIClient().post(URL, body, format="json")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Anna@Example.org", "anna@example.org"),
        ("anna@\uff45xample.org", "anna@example.org"),  # a fullwidth e
        ("\uff21\uff2e\uff2e\uff21@EXAMPLE.ORG", "anna@example.org"),  # fullwidth letters
        ("Straße@example.org", "strasse@example.org"),
        ("\u017ftella@example.org", "stella@example.org"),  # a long s
    ],
)
def test_the_normal_form(given: str, stored: str) -> None:
    assert email_normalize(given) == stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    "variant",
    [
        "ANNA@example.org",
        "anna@\uff45xample.org",  # a fullwidth e in the domain
        " anna@example.org ",
        "\uff41\uff4e\uff4e\uff41@example.org",  # a fullwidth local part
    ],
)
def test_a_variant_of_a_registered_address_is_a_duplicate(church: Church, variant: str) -> None:
    assert _register(church, "anna@example.org").status_code == 201
    response = _register(church, variant)
    assert (response.status_code, response.json()) == (400, DUPLICATE)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_username_and_email_are_stored_identically_in_normal_form(church: Church) -> None:
    response = _register(church, "Straße@\uff25XAMPLE.org")
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "strasse@example.org"
    user = User.objects.get()
    assert user.username == user.email == "strasse@example.org"
    # Logging in with any variant reaches the one account.
    for login in ("STRASSE@example.org", "straße@example.org", "\u017ftrasse@example.org"):
        reply = APIClient().post(
            reverse("token_obtain_pair"), {"username": login, "password": STRONG}, format="json"
        )
        assert reply.status_code == 200, (login, reply.content)


@pytest.mark.django_db
def test_users_saved_through_the_orm_are_normalised_too() -> None:
    user = User.objects.create_user(username="Maria@Example.org", password=STRONG)
    assert (user.username, user.email) == ("maria@example.org", "maria@example.org")
    superuser = User.objects.create_superuser("Admin@Example.org", "", STRONG)
    assert superuser.username == superuser.email == "admin@example.org"


@pytest.mark.django_db
def test_a_registration_that_loses_the_race_after_the_check_is_a_400(
    church: Church, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The serializer's duplicate check passed, then another registration committed first."""
    from hub.api.serializers import accounts as serializers

    user_register(email="anna@example.org", password=STRONG, church=church)
    monkeypatch.setattr(serializers, "email_is_taken", lambda *, email: False)
    response = _register(church, "ANNA@example.org")
    assert (response.status_code, response.json()) == (400, DUPLICATE)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_address_make_one_account(church: Church) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently")
    # Nine: the registration throttle lets ten a client address through per hour.
    variants = ["anna@example.org", "ANNA@example.org", "anna@\uff45xample.org"] * 3
    responses = run_at_once([partial(_register, church, email) for email in variants])
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [400] * (len(variants) - 1)
    assert User.objects.filter(username="anna@example.org").count() == 1
