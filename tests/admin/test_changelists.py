"""Admin list pages cost the same number of queries for 1 row as for 30, and show the stored
and annotated numbers."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hub.models import Fast
from hub.services.memberships import fast_join
from tests.support.factories import make_church, make_fast, make_user

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200  # a refused filter redirects (302) instead
    return len(context.captured_queries)


def _make_fasts(count: int, offset: int) -> None:
    church = make_church(name="Home")
    for n in range(count):
        start = dt.date(2027, 1, 1) + dt.timedelta(days=offset + n)
        fast = make_fast(church=church, start=start, days=2)
        fast_join(profile=make_user(church=church).profile, fast_id=fast.pk)


def _make_churches(count: int, offset: int) -> None:
    for n in range(count):
        church = make_church(name=f"Parish {offset + n}")
        make_fast(church=church, start=dt.date(2027, 5, 1), days=1)


def _make_profiles(count: int, offset: int) -> None:
    church = make_church(name="Profiles church")
    fast = make_fast(church=church, start=dt.date(2027, 5, 1), days=1, name=f"F{offset}")
    for _ in range(count):
        fast_join(profile=make_user(church=church, name="Member").profile, fast_id=fast.pk)


def _make_members(count: int, offset: int) -> None:
    fast = Fast.objects.get(name="Kept")
    for _ in range(count):
        fast_join(profile=make_user(church=fast.church, name="Member").profile, fast_id=fast.pk)
    _make_profiles(count, offset)  # and profiles keeping another fast


def _make_empty_fasts(count: int, offset: int) -> None:
    church = make_church(name="Home")
    for n in range(count):
        make_fast(church=church, name=f"Empty {offset + n}")
    _make_fasts(count, offset)


@pytest.mark.parametrize(
    ("url_name", "query", "make"),
    [
        ("admin:hub_fast_changelist", "", _make_fasts),
        ("admin:hub_fast_changelist", "?days=none&_facets=True", _make_empty_fasts),
        ("admin:hub_church_changelist", "", _make_churches),
        ("admin:hub_profile_changelist", "", _make_profiles),
        ("admin:hub_profile_changelist", "?fast={kept}", _make_members),
        ("admin:hub_profile_changelist", "?fast={kept}&q=member&_facets=True", _make_members),
    ],
)
def test_changelist_query_count_does_not_grow_with_rows(
    admin_client: Client, url_name: str, query: str, make: Callable[[int, int], None]
) -> None:
    kept = make_fast(
        church=make_church(name="Kept church"), name="Kept", start=dt.date(2027, 6, 1), days=1
    )
    url = reverse(url_name) + query.format(kept=kept.pk)
    make(1, 0)
    admin_client.get(url)  # warm the session and content types
    small = _queries(admin_client, url)
    make(29, 100)
    large = _queries(admin_client, url)
    assert large == small


def test_lists_show_stored_and_annotated_numbers(admin_client: Client) -> None:
    church = make_church(name="St Gregory")
    fast = make_fast(church=church, name="Great Lent", start=dt.date(2027, 2, 8), days=48)
    member = make_user(church=church, name="Ani")
    fast_join(profile=member.profile, fast_id=fast.pk)
    make_fast(church=church, name="Nineveh", start=dt.date(2027, 1, 18), days=5)

    fasts_page = admin_client.get(reverse("admin:hub_fast_changelist")).content.decode()
    assert '<td class="field-days">48</td>' in fasts_page
    participants = reverse("admin:hub_fast_participants", args=[fast.pk])
    assert (
        f'<td class="field-participants"><a href="{participants}" title="Who keeps this fast">'
        "1</a></td>"
    ) in fasts_page
    assert '<td class="field-dates">Feb 8 \N{EN DASH} Mar 27, 2027</td>' in fasts_page

    churches_page = admin_client.get(reverse("admin:hub_church_changelist")).content.decode()
    assert '<td class="field-fast_count">2</td>' in churches_page

    profiles_page = admin_client.get(reverse("admin:hub_profile_changelist")).content.decode()
    assert member.email in profiles_page
    assert '<td class="field-joined_fast_count">1</td>' in profiles_page


def test_profile_page_shows_memberships_read_only_and_has_no_add(
    admin_client: Client,
) -> None:
    church = make_church()
    fast = make_fast(church=church, name="Great Lent", start=dt.date(2027, 2, 8), days=3)
    member = make_user(church=church, name="Ani")
    fast_join(profile=member.profile, fast_id=fast.pk)
    page = admin_client.get(reverse("admin:hub_profile_change", args=[member.profile.pk]))
    html = page.content.decode()
    assert "Great Lent (2027)" in html
    assert 'name="fasts"' not in html
    assert admin_client.get(reverse("admin:hub_profile_add")).status_code == 403
    # Deleting a profile means deleting its user: the page sends staff there.
    delete = admin_client.get(reverse("admin:hub_profile_delete", args=[member.profile.pk]))
    assert delete.status_code == 302
    assert delete["Location"] == reverse("admin:auth_user_delete", args=[member.pk])
    member.profile.refresh_from_db()


def test_profile_edit_in_admin_keeps_memberships(admin_client: Client) -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 2, 8), days=3)
    member = make_user(church=church, name="Ani")
    fast_join(profile=member.profile, fast_id=fast.pk)
    response = admin_client.post(
        reverse("admin:hub_profile_change", args=[member.profile.pk]),
        {
            "name": "Ani V.",
            "church": church.pk,
            "location": "Yerevan",
            "timezone": "Asia/Yerevan",
            "receive_upcoming_fast_push_notifications": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member.profile.refresh_from_db()
    assert (member.profile.name, member.profile.timezone) == ("Ani V.", "Asia/Yerevan")
    fast.refresh_from_db()
    assert fast.participant_count == 1
    assert member.profile.fasts.count() == 1


def test_profile_admin_refuses_bad_timezone(admin_client: Client) -> None:
    member = make_user()
    response = admin_client.post(
        reverse("admin:hub_profile_change", args=[member.profile.pk]),
        {"name": "X", "timezone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "not a valid IANA time zone name" in response.content.decode()
