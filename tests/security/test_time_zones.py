"""Only IANA time zone names are accepted (issue 10, item 11).

``localtime`` (this machine's own zone, whatever it is) and ``Factory`` were accepted: they are
files of the server's zoneinfo directory, not time zones a client can mean. The ``tz`` query
parameter and the profile's ``timezone`` share one rule (``hub.validators``).
"""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import Church, Profile
from tests.support.factories import make_church, make_user

pytestmark = pytest.mark.django_db

REFUSED = [
    "localtime",
    "Factory",
    "posixrules",
    "posix/Europe/Paris",
    "right/UTC",
    "EST",
    "CET",
    "GMT0",
    "US/Eastern",
    "Europe",
    "Europe/",
    "Europe/Atlantis",
    "../../etc/passwd",
    "/usr/share/zoneinfo/UTC",
    "utc",
]
ACCEPTED = [
    "UTC",
    "Etc/UTC",
    "Etc/GMT+5",
    "Asia/Yerevan",
    "America/New_York",
    "America/Argentina/Buenos_Aires",
    "Asia/Kolkata",
    "Asia/Calcutta",  # an old spelling older phones still send; an Area/Location all the same
    "Antarctica/Troll",
]


@pytest.fixture
def church() -> Church:
    return make_church()


@pytest.mark.parametrize("name", REFUSED)
def test_profile_timezone_refuses_what_is_not_an_iana_name(
    church: Church, client_for: Callable[[User], APIClient], name: str
) -> None:
    user = make_user(church=church)
    response = client_for(user).patch(reverse("profile-detail"), {"timezone": name}, format="json")
    assert response.status_code == 400, response.content
    assert "timezone" in response.json()
    assert Profile.objects.get(user=user).timezone == "UTC"


@pytest.mark.parametrize("name", ACCEPTED)
def test_profile_timezone_accepts_iana_names(
    church: Church, client_for: Callable[[User], APIClient], name: str
) -> None:
    user = make_user(church=church)
    response = client_for(user).patch(reverse("profile-detail"), {"timezone": name}, format="json")
    assert response.status_code == 200, response.content
    assert Profile.objects.get(user=user).timezone == name


@pytest.mark.parametrize("name", ["localtime", "Factory", "US/Eastern"])
def test_tz_parameter_refuses_them_too(church: Church, name: str) -> None:
    response = APIClient().get(reverse("fast-list"), {"church_id": str(church.pk), "tz": name})
    assert response.status_code == 400
    assert "Unknown time zone" in response.json()["detail"]


def test_tz_parameter_accepts_an_iana_name(church: Church) -> None:
    response = APIClient().get(
        reverse("fast-list"), {"church_id": str(church.pk), "tz": "Asia/Kolkata"}
    )
    assert response.status_code == 200, response.content
