"""No cache keeps an authenticated answer; the admin and the docs run only our own scripts
(issue 10, item 13).

The browser test (tests/browser) also fails on anything the policy blocks in a real Chromium.
"""

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.support.factories import PASSWORD, make_church, make_user

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def _no_store(response: object) -> bool:
    return "no-store" in response.get("Cache-Control", "")  # type: ignore[attr-defined]


@pytest.fixture
def member() -> User:
    return make_user(church=make_church(), name="Member")


@pytest.mark.parametrize(
    "name", ["profile-detail", "fast-stats", "user-days", "church-list", "fast-list"]
)
def test_every_answer_to_an_authenticated_request_is_no_store(
    member: User, client_for: Callable[[User], APIClient], name: str
) -> None:
    response = client_for(member).get(reverse(name))
    assert response.status_code == 200
    assert _no_store(response)
    assert "private" in response["Cache-Control"]


def test_a_refused_token_is_no_store_too() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")
    response = client.get(reverse("profile-detail"))
    assert response.status_code == 401
    assert _no_store(response)


def test_answers_carrying_tokens_are_no_store(member: User) -> None:
    login = APIClient().post(
        reverse("token_obtain_pair"),
        {"username": member.email, "password": PASSWORD},
        format="json",
    )
    assert login.status_code == 200
    assert _no_store(login)
    refresh = APIClient().post(
        reverse("token_refresh"), {"refresh": login.json()["refresh"]}, format="json"
    )
    assert refresh.status_code == 200
    assert _no_store(refresh)
    reset = APIClient().post(reverse("password_reset"), {"email": member.email}, format="json")
    assert _no_store(reset)


def test_public_answers_stay_cacheable() -> None:
    # The control: an anonymous read of public data is not marked.
    church = make_church()
    response = APIClient().get(reverse("church-detail", kwargs={"pk": church.pk}))
    assert response.status_code == 200
    assert not _no_store(response)


def test_the_admin_is_no_store(admin_client: Client) -> None:
    response = admin_client.get("/admin/hub/fast/")
    assert response.status_code == 200
    assert _no_store(response)


def _policy(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/login/",
        "/admin/",
        "/admin/hub/fast/",
        "/admin/hub/fast/add/",
        "/admin/hub/fast/create-from-range/",
        "/admin/auth/user/add/",
        "/api/docs/",
    ],
)
def test_admin_and_docs_pages_run_only_scripts_from_this_server(
    admin_client: Client, path: str
) -> None:
    response = (Client() if path == "/admin/login/" else admin_client).get(path)
    assert response.status_code == 200, path
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    # ... and the page needs nothing else: no inline script the policy would block.
    assert not INLINE_SCRIPT.findall(response.content), INLINE_SCRIPT.findall(response.content)


def test_the_docs_set_up_script_is_a_file_of_this_server() -> None:
    page = Client().get("/api/docs/")
    sources = re.findall(rb'<script src="([^"]+)"', page.content)
    assert b"/api/docs/?script=" in sources
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
