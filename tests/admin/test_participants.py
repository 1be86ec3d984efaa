"""Who keeps a fast: the participants page a fast links to (read-only, by account creation,
searchable by name or email, 100 a page) costs the same queries at 1 and at 5,000 participants."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hub.admin.fasts import PARTICIPANTS_PER_PAGE
from hub.models import Fast
from hub.services.memberships import fast_join
from tests.support.factories import make_church, make_fast, make_user
from tests.support.worlds import add_participants

pytestmark = pytest.mark.django_db

# Session, user, the fast, the page (hub.selectors.participants.participants_for_staff_page).
PARTICIPANTS_PAGE_QUERIES = 4


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def _rows(html: str) -> list[str]:
    return re.findall(r"<td>([^<]+@example\.org)</td>", html)


def _fast(name: str = "Nativity Fast") -> Fast:
    return make_fast(church=make_church(), name=name, start=dt.date(2027, 11, 15), days=40)


def test_a_page_costs_the_same_at_1_and_at_5000_participants(admin_client: Client) -> None:
    small, large = _fast("Small"), _fast("Large")
    add_participants(small, 1)
    add_participants(large, 5000)
    large.refresh_from_db()
    assert large.participant_count == 5000
    admin_client.get(reverse("admin:hub_fast_participants", args=[small.pk]))  # warm up

    for query in ("", "?p=2", "?q=example.org", "?q=-4999@", "?p=3&q=example"):
        small_count, _ = _queries(
            admin_client, reverse("admin:hub_fast_participants", args=[small.pk]) + query
        )
        large_count, html = _queries(
            admin_client, reverse("admin:hub_fast_participants", args=[large.pk]) + query
        )
        assert small_count == large_count == PARTICIPANTS_PAGE_QUERIES, query
        if query == "":
            assert len(_rows(html)) == PARTICIPANTS_PER_PAGE
            assert "Page 1 of 50" in html
        if query == "?p=3&q=example":
            assert len(_rows(html)) == PARTICIPANTS_PER_PAGE
            assert "<td>201</td>" in html


def test_participants_in_account_creation_order_with_search_and_pages(
    admin_client: Client,
) -> None:
    fast = _fast()
    now = timezone.now()
    people = [("Ani", "ani"), ("Nikos", "nikos"), ("Maria", "maria"), (None, "anonymous")]
    for age, (name, login) in enumerate(people):
        user = make_user(name=name) if name else make_user()
        User.objects.filter(pk=user.pk).update(
            email=f"{login}@example.org",
            username=f"{login}@example.org",
            date_joined=now - dt.timedelta(days=10 - age),
        )
        fast_join(profile=user.profile, fast_id=fast.pk)
    url = reverse("admin:hub_fast_participants", args=[fast.pk])

    html = admin_client.get(url).content.decode()
    assert _rows(html) == [f"{login}@example.org" for _, login in people]
    assert "4 participants, by account creation" in html
    assert "(no name)" in html
    assert f'href="{reverse("admin:hub_profile_changelist")}?fast={fast.pk}"' in html
    ani = User.objects.get(email="ani@example.org").profile
    assert f'href="{reverse("admin:hub_profile_change", args=[ani.pk])}">Ani</a>' in html

    # Name or email, any case.
    assert _rows(admin_client.get(url, {"q": "NIKOS"}).content.decode()) == ["nikos@example.org"]
    assert _rows(admin_client.get(url, {"q": "an"}).content.decode()) == [
        "ani@example.org",
        "anonymous@example.org",
    ]
    nobody = admin_client.get(url, {"q": "zz"}).content.decode()
    assert "Nobody here matches “zz”." in nobody

    # The fast's page links here.
    change = admin_client.get(reverse("admin:hub_fast_change", args=[fast.pk])).content.decode()
    assert f'<a href="{url}">Participants (4)</a>' in change


def test_pages_link_to_each_other(admin_client: Client) -> None:
    fast = _fast()
    add_participants(fast, PARTICIPANTS_PER_PAGE + 1)
    url = reverse("admin:hub_fast_participants", args=[fast.pk])
    first = admin_client.get(url).content.decode()
    assert '<a href="?p=2" rel="next">' in first
    assert 'rel="prev"' not in first
    second = admin_client.get(url, {"p": "2"}).content.decode()
    assert len(_rows(second)) == 1
    assert f"<td>{PARTICIPANTS_PER_PAGE + 1}</td>" in second
    assert '<a href="?p=1" rel="prev">' in second
    assert 'rel="next"' not in second
    searched = admin_client.get(url, {"q": "example", "p": "1"}).content.decode()
    assert '<a href="?p=2&amp;q=example" rel="next">' in searched
    # A search's matches are not counted (that would read every membership): no "of N".
    assert "Page 1" in searched
    assert "Page 1 of" not in searched
    # A page number that is not one shows the first page.
    assert _rows(admin_client.get(url, {"p": "x"}).content.decode()) == _rows(first)


def test_participants_need_permission_to_view_profiles(client: Client) -> None:
    fast = _fast()
    staff = User.objects.create_user("staff@example.org", "staff@example.org", "x-Strong-pass1")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(Permission.objects.get(codename="view_fast"))
    client.force_login(staff)
    url = reverse("admin:hub_fast_participants", args=[fast.pk])
    assert client.get(url).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_profile"))
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:hub_fast_participants", args=[fast.pk + 1])).status_code == 404
