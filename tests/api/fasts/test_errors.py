"""Whatever a client sends, fasts endpoints answer JSON and never a 500 (docs/API.md §1.6)."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church, Day
from hub.services.memberships import fast_join
from tests.support.clock import day, iso
from tests.support.factories import make_church, make_fast
from tests.support.responses import error_body, ok

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"

# (path, query, status) for an authenticated caller with a church
BAD_REQUESTS = [
    ("/api/fasts/{huge}/", {}, 404),
    ("/api/fasts/{huge}/participants/", {}, 404),
    ("/api/fasts/{huge}/participants/paginated/", {}, 404),
    ("/api/fasts/{huge}/days/", {}, 404),
    ("/api/churches/{huge}/", {}, 404),
    ("/api/fasts/0/", {}, 404),
    ("/api/fasts/0/days/", {}, 404),
    ("/api/fasts/x/days/", {}, 404),
    ("/api/fasts/x/participants/", {}, 404),
    ("/api/no-such-endpoint/", {}, 404),
    ("/api/fasts/", {"start_date": "2026-02-29"}, 400),
    ("/api/fasts/", {"start_date": "9999-12-01", "end_date": "9999-12-31"}, 200),
    ("/api/fasts/", {"end_date": "0001-01-01"}, 400),
    ("/api/fasts/", {"start_date": "0001-01-01", "end_date": "0001-01-02"}, 200),
    ("/api/fasts/", {"tz": "x" * 5000}, 400),
    ("/api/fasts/", {"tz": "\x00"}, 400),
    ("/api/fasts/by-date/", {"date": "9999-12-31"}, 200),
    ("/api/fasts/by-date/", {"date": "0001-01-01"}, 200),
    ("/api/fasts/by-date/", {"page": HUGE}, 404),
    ("/api/fasts/by-feast-date/", {"date": "nope"}, 400),
    ("/api/fasts/{fast}/days/", {"page": HUGE}, 404),
    ("/api/fasts/{fast}/participants/", {"limit": HUGE}, 200),
    ("/api/fasts/{fast}/participants/paginated/", {"offset": HUGE}, 200),
    ("/api/fasts/{fast}/participants/paginated/", {"limit": HUGE}, 200),
    ("/api/user/days/", {"page": "0"}, 404),
    ("/api/fast/", {"date": "99991231"}, 200),
    ("/api/fast/", {"date": "00000101"}, 400),
    ("/api/user/fasts/", {"date": "20260229"}, 400),
    ("/api/churches/", {"page": "-1"}, 404),
]


@pytest.mark.parametrize(("path", "query", "status"), BAD_REQUESTS)
def test_edge_inputs(
    client_for: Callable[[User], APIClient],
    church: Church,
    member: User,
    path: str,
    query: dict,
    status: int,
) -> None:
    fast = make_fast(church=church, start=day(0), days=2)
    fast_join(profile=member.profile, fast_id=fast.pk)

    response = client_for(member).get(path.format(huge=HUGE, fast=fast.pk), query)

    if status == 200:
        ok(response)
    else:
        assert "detail" in error_body(response, status)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/fasts/"),
        ("delete", "/api/fasts/{fast}/"),
        ("put", "/api/fasts/{fast}/"),
        ("post", "/api/fasts/stats/"),
        ("post", "/api/fasts/{fast}/participants/"),
        ("post", "/api/fasts/{fast}/days/"),
        ("post", "/api/churches/"),
        ("post", "/api/fast/"),
        ("post", "/api/user/fasts/"),
        ("post", "/api/user/days/"),
    ],
)
def test_unsupported_methods_are_json_405(
    client_for: Callable[[User], APIClient],
    church: Church,
    member: User,
    method: str,
    path: str,
) -> None:
    fast = make_fast(church=church, start=day(0), days=2)
    response = getattr(client_for(member), method)(path.format(fast=fast.pk), {}, format="json")
    assert "detail" in error_body(response, 405)


# --- Freshness after a day change (docs/API.md §5) ----------------------------------------------


def test_list_and_stats_show_a_new_day_at_once(
    client_for: Callable[[User], APIClient], church: Church, member: User
) -> None:
    fast = make_fast(church=church, start=day(-2), days=3, name="Short")
    fast_join(profile=member.profile, fast_id=fast.pk)
    client = client_for(member)
    (before,) = ok(client.get("/api/fasts/"))
    assert before["end_date"] == iso(0)
    assert ok(client.get("/api/fasts/stats/"))["total_fast_days"] == 3
    assert ok(client.get("/api/fasts/stats/"))["completed_fasts"] == 0

    Day.objects.create(fast=fast, church=church, date=day(1))
    Day.objects.filter(fast=fast, date=day(-2)).delete()

    (after,) = ok(client.get("/api/fasts/"))
    assert after["end_date"] == iso(1)
    assert after["start_date"] == iso(-1)
    assert after["total_number_of_days"] == 3
    assert after["current_day_number"] == 2
    assert after["countdown"] == "<span class='days_to_finish'>2</span> days until the end of Short"
    assert ok(client.get("/api/fasts/stats/"))["total_fast_days"] == 2
    anonymous = ok(APIClient().get("/api/fasts/", {"church_id": church.pk}))
    assert anonymous[0]["end_date"] == iso(1)


def test_list_follows_the_callers_church_change(
    client_for: Callable[[User], APIClient], church: Church, member: User
) -> None:
    mine = make_fast(church=church, start=day(0), days=1)
    other_church = make_church(name="New parish")
    theirs = make_fast(church=other_church, start=day(0), days=1)
    client = client_for(member)
    assert [f["id"] for f in ok(client.get("/api/fasts/"))] == [mine.pk]

    profile = member.profile
    profile.church = other_church
    profile.save()

    assert [f["id"] for f in ok(client.get("/api/fasts/"))] == [theirs.pk]
