"""Inputs the schema fuzzer found that break the API contract. Each must answer 4xx JSON."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church
from tests.support.factories import make_user

pytestmark = pytest.mark.django_db

# Beyond a 64-bit integer: the path converter accepts any digits, the database cannot bind it.
HUGE_ID = 6400017756546292252672


@pytest.fixture
def member() -> User:
    return make_user(church=Church.objects.create(name="Regression Church"))


@pytest.mark.parametrize(
    "path",
    [
        f"/api/fasts/{HUGE_ID}/",
        f"/api/fasts/{HUGE_ID}/days/",
        f"/api/fasts/{HUGE_ID}/participants/",
        f"/api/fasts/{HUGE_ID}/participants/paginated/",
        f"/api/churches/{HUGE_ID}/",
    ],
)
def test_an_id_beyond_64_bits_is_not_found(
    path: str, member: User, client_for: Callable[[User], APIClient]
) -> None:
    response = client_for(member).get(path)
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
