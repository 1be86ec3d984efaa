"""GET /api/fasts/stats/ (docs/API.md §4.6 Stats)."""

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from hub.models import Church
from hub.services.memberships import fast_join
from tests.support.clock import day, frozen_at
from tests.support.factories import make_church, make_fast, make_user
from tests.support.responses import detail_of, ok

pytestmark = pytest.mark.django_db

Client = Callable[[User], APIClient]

STATS = "/api/fasts/stats/"


def test_totals(client_for: Client, church: Church, member: User) -> None:
    future = make_fast(church=church, start=day(5), days=4, name="future")
    done = make_fast(church=church, start=day(-10), days=3, name="done")
    ongoing = make_fast(church=church, start=day(-1), days=3, name="ongoing")
    ends_today = make_fast(church=church, start=day(-3), days=4, name="ends today")
    weekly = make_fast(church=church, dates=[day(-14), day(-7), day(7)], name="weekly")
    empty = make_fast(church=church, name="no days")
    elsewhere = make_fast(church=make_church(name="Elsewhere"), start=day(-20), days=2)
    for fast in (weekly, future, empty, ongoing, done, ends_today, elsewhere):
        fast_join(profile=member.profile, fast_id=fast.pk)
    # another user's joins are not counted
    fast_join(profile=make_user(church=church).profile, fast_id=done.pk)
    other_only = make_fast(church=church, start=day(-30), days=5)
    fast_join(profile=make_user(church=church).profile, fast_id=other_only.pk)

    body = ok(client_for(member).get(STATS))

    assert list(body) == ["joined_fasts", "total_fasts", "total_fast_days", "completed_fasts"]
    assert body == {
        "joined_fasts": sorted(
            f.pk for f in (weekly, future, empty, ongoing, done, ends_today, elsewhere)
        ),
        "total_fasts": 7,
        # done 3 + ongoing 2 + ends today 4 + weekly 2 + elsewhere 2
        "total_fast_days": 13,
        # done and elsewhere; a fast ending today is not completed yet
        "completed_fasts": 2,
    }


def test_nothing_joined(client_for: Client, member: User) -> None:
    assert ok(client_for(member).get(STATS)) == {
        "joined_fasts": [],
        "total_fasts": 0,
        "total_fast_days": 0,
        "completed_fasts": 0,
    }


def test_today_follows_the_callers_time_zone(client_for: Client, church: Church) -> None:
    la = ZoneInfo("America/Los_Angeles")
    # 23:30 on 15 January in Los Angeles; 16 January in UTC
    moment = dt.datetime(2026, 1, 15, 23, 30, tzinfo=la)
    fast = make_fast(church=church, start=dt.date(2026, 1, 14), days=3)  # 14, 15, 16 January
    in_la = make_user(church=church, timezone="America/Los_Angeles")
    in_utc = make_user(church=church)
    fast_join(profile=in_la.profile, fast_id=fast.pk)
    fast_join(profile=in_utc.profile, fast_id=fast.pk)

    with frozen_at(moment):
        assert ok(client_for(in_la).get(STATS))["total_fast_days"] == 2
        assert ok(client_for(in_utc).get(STATS))["total_fast_days"] == 3
        assert ok(client_for(in_la).get(STATS, {"tz": "UTC"}))["total_fast_days"] == 3
        assert (
            ok(client_for(in_utc).get(STATS, {"tz": "America/Los_Angeles"}))["total_fast_days"] == 2
        )
        assert ok(client_for(in_utc).get(STATS, {"tz": "Asia/Tokyo"}))["total_fast_days"] == 3

    # a fast whose last day is today in one zone and yesterday in another
    with frozen_at(dt.datetime(2026, 1, 16, 23, 30, tzinfo=la)):
        assert ok(client_for(in_la).get(STATS))["completed_fasts"] == 0
        assert ok(client_for(in_utc).get(STATS))["completed_fasts"] == 1


def test_stats_follow_the_day_as_time_passes(client_for: Client, church: Church) -> None:
    user = make_user(church=church)
    fast = make_fast(church=church, start=day(0), days=3)
    fast_join(profile=user.profile, fast_id=fast.pk)

    # A token is minted at each moment: one from the day before would have expired.
    assert ok(client_for(user).get(STATS))["total_fast_days"] == 1
    with frozen_at(dt.datetime(2026, 3, 11, 12, tzinfo=dt.UTC)):
        assert ok(client_for(user).get(STATS))["total_fast_days"] == 2
    with frozen_at(dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)):
        assert ok(client_for(user).get(STATS)) == {
            "joined_fasts": [fast.pk],
            "total_fasts": 1,
            "total_fast_days": 3,
            "completed_fasts": 1,
        }


def test_anonymous_is_401(api_client: APIClient) -> None:
    assert detail_of(api_client.get(STATS), 401)
