from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import Church
from tests.support.factories import PASSWORD, make_church, make_user


@pytest.fixture
def church(db: None) -> Church:
    return make_church(name="St. Mary")


@pytest.fixture
def login() -> Callable[..., Any]:
    """POST /api/token/ and return the response."""

    def post(client: APIClient, **body: Any) -> Any:
        return client.post(reverse("token_obtain_pair"), body, format="json")

    return post


@pytest.fixture
def logged_in(church: Church, login: Callable[..., Any]) -> Callable[..., tuple[Any, APIClient]]:
    """A user and a client carrying an access token obtained through /api/token/."""

    def make(**profile_fields: Any) -> tuple[Any, APIClient]:
        user = make_user(church=church, **profile_fields)
        client = APIClient()
        response = login(client, username=user.email, password=PASSWORD)
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
        client.refresh_token = response.json()["refresh"]  # type: ignore[attr-defined]
        return user, client

    return make
