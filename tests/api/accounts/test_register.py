from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import Church, Profile
from tests.support.factories import make_user

URL = reverse("auth_register")
STRONG = "Blue-Lantern-Orchard-42"

pytestmark = pytest.mark.django_db


def body(church: Church, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "email": "Anna.Smith@Example.org ",
        "password": STRONG,
        "password2": STRONG,
        "profile": {"name": "Anna", "church": church.pk},
    }
    data.update(overrides)
    return data


def test_register_creates_user_profile_and_working_tokens(church: Church) -> None:
    client = APIClient()
    response = client.post(URL, body(church), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"email", "profile", "church", "tokens"}
    assert data["email"] == "anna.smith@example.org"
    assert data["profile"] == {"name": "Anna", "church": church.pk}
    assert data["church"] == church.pk
    assert set(data["tokens"]) == {"refresh", "access"}

    user = User.objects.get(username="anna.smith@example.org")
    assert user.email == "anna.smith@example.org"
    assert user.check_password(STRONG)
    profile = Profile.objects.get(user=user)
    assert (profile.name, profile.church_id) == ("Anna", church.pk)

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {data['tokens']['access']}")
    me = client.get(reverse("profile-detail"))
    assert me.status_code == 200
    assert me.json()["email"] == "anna.smith@example.org"
    refreshed = APIClient().post(
        reverse("token_refresh"), {"refresh": data["tokens"]["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200


def test_register_name_is_optional(church: Church) -> None:
    response = APIClient().post(URL, body(church, profile={"church": church.pk}), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["profile"] == {"name": None, "church": church.pk}


def test_duplicate_email_is_refused_case_insensitively(church: Church) -> None:
    existing = make_user(church=church)
    response = APIClient().post(
        URL, body(church, email=f"  {existing.email.upper()} "), format="json"
    )
    assert response.status_code == 400
    assert "email" in response.json()
    assert User.objects.filter(username__iexact=existing.email).count() == 1


@pytest.mark.parametrize(
    "password",
    ["short1!", "password123", "12345678901234", "anna.smith@example"],
    ids=["too-short", "common", "numeric", "like-email"],
)
def test_weak_passwords_are_refused(church: Church, password: str) -> None:
    response = APIClient().post(
        URL, body(church, password=password, password2=password), format="json"
    )
    assert response.status_code == 400
    assert response.json()["password"]
    assert not User.objects.exists()


def test_password_mismatch(church: Church) -> None:
    response = APIClient().post(URL, body(church, password2=STRONG + "x"), format="json")
    assert response.status_code == 400
    assert "password2" in response.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "shit.happens@example.org"}, "email"),
        ({"email": "fuck_99@example.org"}, "email"),
    ],
)
def test_profane_email_is_refused(church: Church, overrides: dict[str, Any], field: str) -> None:
    response = APIClient().post(URL, body(church, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


def test_profane_name_is_refused(church: Church) -> None:
    response = APIClient().post(
        URL, body(church, profile={"name": "Shit Head", "church": church.pk}), format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()["profile"]


def test_unknown_church(church: Church) -> None:
    response = APIClient().post(
        URL, body(church, profile={"name": "Anna", "church": church.pk + 999}), format="json"
    )
    assert response.status_code == 400
    assert "church" in response.json()["profile"]
    assert not User.objects.exists()


@pytest.mark.parametrize("missing", ["email", "password", "password2", "profile"])
def test_missing_fields(church: Church, missing: str) -> None:
    data = body(church)
    del data[missing]
    response = APIClient().post(URL, data, format="json")
    assert response.status_code == 400
    assert missing in response.json()


def test_missing_church(church: Church) -> None:
    response = APIClient().post(URL, body(church, profile={"name": "Anna"}), format="json")
    assert response.status_code == 400
    assert "church" in response.json()["profile"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": 12345},
        {"email": ["a@example.org"]},
        {"password": {"x": 1}, "password2": {"x": 1}},
        {"profile": "St. Mary"},
        {"profile": {"name": ["Anna"], "church": 1}},
        {"profile": {"name": "Anna", "church": "first"}},
        {"profile": {"name": "Anna", "church": None}},
    ],
)
def test_wrong_types_are_400(church: Church, overrides: dict[str, Any]) -> None:
    response = APIClient().post(URL, body(church, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")


def test_body_that_is_not_an_object_is_400(church: Church) -> None:
    response = APIClient().post(URL, [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()


def test_non_json_body(church: Church) -> None:
    client = APIClient()
    malformed = client.post(URL, "{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert "detail" in malformed.json()
    form = client.post(URL, "email=a@example.org", content_type="text/plain")
    assert form.status_code == 415
    assert "detail" in form.json()


def test_over_long_strings(church: Church) -> None:
    long_email = "a" * 140 + "@example.org"  # 152 characters
    response = APIClient().post(URL, body(church, email=long_email), format="json")
    assert response.status_code == 400
    assert "email" in response.json()
    response = APIClient().post(
        URL, body(church, profile={"name": "A" * 65, "church": church.pk}), format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()["profile"]
    response = APIClient().post(
        URL, body(church, password="x" * 10_000, password2="x" * 10_000), format="json"
    )
    assert response.status_code == 400
    assert not User.objects.exists()


def test_a_form_encoded_registration_names_profile_fields_with_dots(church: Church) -> None:
    """Clients that post forms (as the original service took them) send nested fields as
    ``profile.church``; timezone and location are stored too."""
    body = {
        "email": "lilit@example.org",
        "password": STRONG,
        "password2": STRONG,
        "profile.church": str(church.pk),
        "profile.name": "Lilit",
        "profile.timezone": "Asia/Yerevan",
        "profile.location": "Gyumri",
    }
    form = "&".join(f"{key}={value}" for key, value in body.items()).replace("/", "%2F")
    response = APIClient().post(URL, form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201, response.content
    profile = Profile.objects.get(user__username="lilit@example.org")
    assert (profile.church_id, profile.name, profile.timezone, profile.location) == (
        church.pk,
        "Lilit",
        "Asia/Yerevan",
        "Gyumri",
    )
    login = APIClient().post(
        reverse("token_obtain_pair"),
        {"username": "lilit@example.org", "password": STRONG},
        format="multipart",
    )
    assert login.status_code == 200
