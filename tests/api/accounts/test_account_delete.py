from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import Church, Fast, Membership, Profile
from hub.services.memberships import fast_join
from tests.support.factories import PASSWORD, make_fast, make_user
from tests.support.images import image_bytes, profile_image_upload

pytestmark = pytest.mark.django_db

URL = reverse("account-delete")


def test_delete_removes_everything_and_revokes_tokens(
    logged_in: Callable[..., Any],
    login: Callable[..., Any],
    church: Church,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user, client = logged_in()
    other = make_user(church=church)
    fasts = [make_fast(church=church, name=f"F{i}") for i in range(3)]
    for fast in fasts:
        fast_join(profile=user.profile, fast_id=fast.pk)
        fast_join(profile=other.profile, fast_id=fast.pk)
    image = profile_image_upload(client, image_bytes())
    assert image.status_code == 200
    profile = Profile.objects.get(user=user)
    files = [Path(settings.MEDIA_ROOT) / profile.profile_image.name]
    files.append(Path(settings.MEDIA_ROOT) / profile.profile_image_thumbnail.name)
    assert all(path.exists() for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(URL)

    assert response.status_code == 204
    assert response.content == b""
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Profile.objects.filter(pk=profile.pk).exists()
    assert not Membership.objects.filter(profile_id=profile.pk).exists()
    assert list(Fast.objects.order_by("pk").values_list("participant_count", flat=True)) == [1] * 3
    assert not any(path.exists() for path in files)

    refreshed = APIClient().post(
        reverse("token_refresh"), {"refresh": client.refresh_token}, format="json"
    )
    assert refreshed.status_code == 401
    assert client.get(reverse("profile-detail")).status_code == 401
    assert login(APIClient(), username=user.email, password=PASSWORD).status_code == 401


def test_delete_needs_authentication(church: Church) -> None:
    assert APIClient().delete(URL).status_code == 401


def test_delete_cost_does_not_depend_on_joined_fasts(
    logged_in: Callable[..., Any], church: Church
) -> None:
    counts = []
    for joined in (1, 30):
        user, client = logged_in()
        for i in range(joined):
            fast = make_fast(church=church, name=f"{user.pk}-{i}")
            fast_join(profile=user.profile, fast_id=fast.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.delete(URL).status_code == 204
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert Fast.objects.filter(participant_count__gt=0).count() == 0
