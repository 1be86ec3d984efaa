from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import Church, Profile
from tests.support.factories import make_church

pytestmark = pytest.mark.django_db

URL = reverse("profile-detail")
FLAGS = {
    "receive_upcoming_fast_reminders": False,
    "receive_upcoming_fast_push_notifications": True,
    "receive_ongoing_fast_push_notifications": True,
    "receive_daily_fast_push_notifications": False,
    "include_weekly_fasts_in_notifications": False,
    "receive_promotional_emails": True,
}


def test_get_profile_in_exactly_one_query(
    logged_in: Callable[..., Any], church: Church, django_assert_num_queries: Any
) -> None:
    user, client = logged_in(name="Anna", location="Yerevan", timezone="Asia/Yerevan")
    with django_assert_num_queries(1):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {
        "user_id": user.pk,
        "email": user.email,
        "name": "Anna",
        "profile_image": None,
        "thumbnail": None,
        "location": "Yerevan",
        "church": church.pk,
        "timezone": "Asia/Yerevan",
        **FLAGS,
    }


def test_profile_needs_authentication(church: Church) -> None:
    assert APIClient().get(URL).status_code == 401
    assert APIClient().patch(URL, {"name": "x"}, format="json").status_code == 401


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_any_subset(logged_in: Callable[..., Any], method: str) -> None:
    user, client = logged_in(name="Anna")
    other = make_church(name="St. John")
    response = getattr(client, method)(
        URL,
        {
            "location": "Boston",
            "church": other.pk,
            "timezone": "America/New_York",
            "receive_promotional_emails": False,
            "email": "ignored@example.org",
            "user_id": 999,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["name"] == "Anna"  # untouched
    assert data["email"] == user.email  # read-only
    assert data["user_id"] == user.pk
    assert (data["location"], data["church"], data["timezone"]) == (
        "Boston",
        other.pk,
        "America/New_York",
    )
    assert data["receive_promotional_emails"] is False
    stored = Profile.objects.get(user=user)
    assert (stored.location, stored.church_id, stored.timezone) == (
        "Boston",
        other.pk,
        "America/New_York",
    )
    assert stored.receive_promotional_emails is False
    # The next request sees the change too.
    assert client.get(URL).json() == data


def test_put_of_the_get_response_round_trips(logged_in: Callable[..., Any]) -> None:
    _, client = logged_in(name="Anna")
    current = client.get(URL).json()
    response = client.put(URL, current, format="json")
    assert response.status_code == 200
    assert response.json() == current


def test_church_can_be_cleared(logged_in: Callable[..., Any]) -> None:
    user, client = logged_in()
    response = client.patch(URL, {"church": None}, format="json")
    assert response.status_code == 200
    assert response.json()["church"] is None
    assert Profile.objects.get(user=user).church_id is None


def test_unknown_church_is_400(logged_in: Callable[..., Any], church: Church) -> None:
    user, client = logged_in()
    response = client.patch(URL, {"church": church.pk + 1000, "name": "Bob"}, format="json")
    assert response.status_code == 400
    assert "church" in response.json()
    profile = Profile.objects.get(user=user)
    assert profile.church_id == church.pk
    assert profile.name is None  # nothing applied


@pytest.mark.parametrize(
    "body",
    [
        {"timezone": "Mars/Olympus"},
        {"timezone": "../../etc/passwd"},
        {"timezone": ""},
        {"church": "first"},
        {"church": [1]},
        {"church": 10**30},
        {"name": "N" * 65},
        {"location": "L" * 101},
        {"receive_promotional_emails": "maybe"},
        {"receive_promotional_emails": None},
        {"name": "Shit Head"},
    ],
)
def test_bad_values_are_400(logged_in: Callable[..., Any], body: dict[str, Any]) -> None:
    _, client = logged_in()
    response = client.patch(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) == set(body)


def test_non_json_is_415_and_malformed_is_400(logged_in: Callable[..., Any]) -> None:
    _, client = logged_in()
    assert client.patch(URL, "name=x", content_type="text/plain").status_code == 415
    assert client.patch(URL, "{", content_type="application/json").status_code == 400
    assert client.patch(URL, [1], format="json").status_code == 400


def test_update_query_cost(
    logged_in: Callable[..., Any], django_assert_max_num_queries: Any
) -> None:
    other = make_church(name="St. Luke")
    _, client = logged_in()
    # authentication, church check, one UPDATE (+ savepoint statements inside the test transaction)
    with django_assert_max_num_queries(5):
        assert (
            client.patch(URL, {"church": other.pk, "name": "Z"}, format="json").status_code == 200
        )
