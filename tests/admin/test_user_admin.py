"""Users added and deleted on the admin's user pages get / lose their profile."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from hub.models import Fast, Membership, Profile
from hub.services.memberships import fast_join
from tests.support.factories import make_church, make_fast, make_user

pytestmark = pytest.mark.django_db


def test_admin_add_user_page_creates_exactly_one_profile(admin_client: Client) -> None:
    page = admin_client.get(reverse("admin:auth_user_add"))
    assert page.status_code == 200
    assert 'name="profile-TOTAL_FORMS"' not in page.content.decode()
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "new@example.org",
            "usable_password": "true",
            "password1": "a-Strong-passw0rd!",
            "password2": "a-Strong-passw0rd!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new@example.org")
    assert Profile.objects.filter(user=user).count() == 1


def test_admin_delete_user_releases_counters(admin_client: Client) -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 3, 1), days=2)
    member = make_user(church=church)
    fast_join(profile=member.profile, fast_id=fast.pk)
    profile_id = member.profile.pk
    response = admin_client.post(
        reverse("admin:auth_user_delete", args=[member.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Profile.objects.filter(pk=profile_id).exists()
    assert not Membership.objects.filter(profile_id=profile_id).exists()
    assert Fast.objects.get(pk=fast.pk).participant_count == 0
