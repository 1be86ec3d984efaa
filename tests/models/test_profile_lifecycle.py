"""Every user gets a profile, whatever creates the user; deleting a user removes it, its
memberships and its share of the participant counters. (The admin "add user" page is tested
in tests/admin.)"""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, transaction

from hub.models import Fast, Membership, Profile
from hub.services.memberships import fast_join
from tests.support.factories import make_church, make_fast, make_user

pytestmark = pytest.mark.django_db


def test_create_user_gets_a_profile() -> None:
    user = User.objects.create_user(username="a@example.org", email="a@example.org")
    profile = Profile.objects.get(user=user)
    assert profile.timezone == "UTC"
    assert profile.church is None
    assert profile.receive_promotional_emails is True


def test_create_superuser_gets_a_profile() -> None:
    user = User.objects.create_superuser(username="root@example.org", password="x-Strong-1")
    assert Profile.objects.filter(user=user).count() == 1


def test_bulk_create_gets_a_profile_per_user() -> None:
    emails = [f"bulk{i}@example.org" for i in range(5)]
    User.objects.bulk_create([User(username=e, email=e) for e in emails])
    assert Profile.objects.filter(user__username__in=emails).count() == 5


def test_createsuperuser_command_gets_a_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-Strong-passw0rd!")
    call_command(
        "createsuperuser",
        "--noinput",
        "--username=boss@example.org",
        "--email=boss@example.org",
        verbosity=0,
    )
    user = User.objects.get(username="boss@example.org")
    assert user.is_superuser
    assert user.check_password("a-Strong-passw0rd!")
    assert Profile.objects.filter(user=user).count() == 1


def test_profile_rolls_back_with_the_user() -> None:
    before = Profile.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        User.objects.create_user(username="gone@example.org")
        assert Profile.objects.count() == before + 1
        raise RuntimeError("abort")
    assert Profile.objects.count() == before
    assert not User.objects.filter(username="gone@example.org").exists()


def test_failed_user_insert_leaves_no_profile() -> None:
    User.objects.create_user(username="taken@example.org")
    before = Profile.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="taken@example.org")
    assert Profile.objects.count() == before


def test_deleting_a_user_releases_memberships_and_counters() -> None:
    church = make_church()
    first = make_fast(church=church, start=dt.date(2027, 3, 1), days=3)
    second = make_fast(church=church, start=dt.date(2027, 8, 1), days=3)
    leaving = make_user(church=church)
    staying = make_user(church=church)
    for fast in (first, second):
        fast_join(profile=leaving.profile, fast_id=fast.pk)
    fast_join(profile=staying.profile, fast_id=first.pk)
    assert Fast.objects.get(pk=first.pk).participant_count == 2

    profile_id = leaving.profile.pk
    leaving.delete()

    assert not Profile.objects.filter(pk=profile_id).exists()
    assert not Membership.objects.filter(profile_id=profile_id).exists()
    assert Fast.objects.get(pk=first.pk).participant_count == 1
    assert Fast.objects.get(pk=second.pk).participant_count == 0
    assert Membership.objects.filter(profile=staying.profile, fast=first).exists()


def test_bulk_deleting_users_releases_counters() -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 3, 1), days=1)
    users = [make_user(church=church) for _ in range(3)]
    for user in users:
        fast_join(profile=user.profile, fast_id=fast.pk)
    User.objects.filter(pk__in=[u.pk for u in users[:2]]).delete()
    assert Fast.objects.get(pk=fast.pk).participant_count == 1
