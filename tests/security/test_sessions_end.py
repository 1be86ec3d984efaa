"""Sessions end on any credential change, whatever path makes it (migration 0004's triggers).

A password change (the reset endpoint, ``set_password`` + ``save``, the admin's password form,
a queryset update), a deactivation (instance or queryset) and a deletion (instance, queryset,
admin) each revoke every refresh token issued before: the next refresh is a 401. Access tokens
are stateless and live out their lifetime (``JWT_ACCESS_MINUTES``, 15 by default), except that
a deactivated or deleted user's access token is refused at once (authentication loads the user).
"""

from collections.abc import Callable

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from hub.services.accounts import refresh_token_issue
from tests.support.auth import superuser_client
from tests.support.factories import make_church, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "an-Other-passphrase-77"


def _set_password(user: User, update_fields: list[str] | None = None) -> None:
    user.set_password(NEW_PASSWORD)
    user.save(update_fields=update_fields)


def _admin_password_form(user: User) -> None:
    response = superuser_client().post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content


def _deactivate(user: User) -> None:
    user.is_active = False
    user.save()


def _admin_delete(user: User) -> None:
    response = superuser_client().post(
        reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"}
    )
    assert response.status_code == 302, response.content


CHANGES: dict[str, Callable[[User], object]] = {
    "set_password and save": _set_password,
    "save(update_fields=[password])": lambda u: _set_password(u, update_fields=["password"]),
    "queryset update of the password": lambda u: User.objects.filter(pk=u.pk).update(
        password=make_password(NEW_PASSWORD)
    ),
    "admin password form": _admin_password_form,
    "deactivated": _deactivate,
    "queryset deactivation": lambda u: User.objects.filter(pk=u.pk).update(is_active=False),
    "deleted": lambda u: u.delete(),
    "queryset delete": lambda u: User.objects.filter(pk=u.pk).delete(),
    "admin delete": _admin_delete,
}


def _refresh(token: str) -> int:
    return APIClient().post(reverse("token_refresh"), {"refresh": token}, format="json").status_code


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_refresh_token_stops_working(change: Callable[[User], object]) -> None:
    user = make_user(church=make_church(), name="Holder")
    phone, laptop = refresh_token_issue(user=user), refresh_token_issue(user=user)
    bystander = refresh_token_issue(user=make_user(name="Bystander"))

    change(user)

    assert _refresh(phone.refresh) == 401
    assert _refresh(laptop.refresh) == 401
    assert _refresh(bystander.refresh) == 200  # only that user's sessions end


def test_saving_the_user_without_a_credential_change_keeps_sessions() -> None:
    user = make_user(name="Holder")
    pair = refresh_token_issue(user=user)
    user.first_name = "Renamed"
    user.save()
    User.objects.filter(pk=user.pk).update(is_active=True)  # already active: no change
    assert not BlacklistedToken.objects.exists()
    assert _refresh(pair.refresh) == 200


def test_a_deleted_users_tokens_are_blacklisted_in_the_database() -> None:
    user = make_user(name="Leaving")
    refresh_token_issue(user=user)
    refresh_token_issue(user=user)
    user.delete()
    orphans = OutstandingToken.objects.filter(user__isnull=True)
    assert orphans.count() == 2
    assert BlacklistedToken.objects.filter(token__in=orphans).count() == 2


@pytest.mark.parametrize("change", ["deactivated", "deleted"])
def test_the_access_token_of_a_deactivated_or_deleted_user_is_refused_at_once(change: str) -> None:
    user = make_user(church=make_church(), name="Holder")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh_token_issue(user=user).access}")
    assert client.get(reverse("profile-detail")).status_code == 200
    CHANGES[change](user)
    assert client.get(reverse("profile-detail")).status_code == 401
