"""The written-out fast detail statement answers exactly what the ORM read answers."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from hub.api.serializers.fasts import fast_data
from hub.selectors.fasts import fast_detail, fast_detail_orm
from hub.services.memberships import fast_join
from tests.factories import ChurchFactory, make_fast, make_user

TODAY = dt.date(2026, 3, 10)


@pytest.mark.django_db
def test_every_kind_of_fast_reads_the_same_both_ways() -> None:
    church = ChurchFactory()
    member, stranger = make_user(church=church), make_user(church=church)
    weekly = [TODAY + dt.timedelta(days=d) for d in (-9, -7, -2, 0, 5, 7, 12)]
    fasts = [
        make_fast(church=church, start=TODAY + dt.timedelta(days=3), days=5),  # not begun
        make_fast(church=church, start=TODAY - dt.timedelta(days=4), days=9),  # in progress
        make_fast(church=church, start=TODAY - dt.timedelta(days=20), days=5),  # over
        make_fast(church=church, start=TODAY, days=1),  # today only
        make_fast(church=church, dates=weekly),  # in progress, with gaps
        make_fast(church=church, dates=[d for d in weekly if d != TODAY]),  # gap on today
        make_fast(church=church),  # no days
        make_fast(
            church=church,
            start=TODAY - dt.timedelta(days=1),
            days=3,
            culmination_feast="Feast",
            culmination_feast_date=TODAY + dt.timedelta(days=2),
        ),
    ]
    fast_join(profile=member.profile, fast_id=fasts[1].pk)
    request = APIRequestFactory().get("/")
    for fast in fasts:
        for profile_id in (member.profile.pk, stranger.profile.pk, None):
            for today in (TODAY, TODAY + dt.timedelta(days=30), TODAY - dt.timedelta(days=30)):
                orm = fast_detail_orm(fast_id=fast.pk, today=today, profile_id=profile_id)
                with CaptureQueriesContext(connection) as queries:
                    sql = fast_detail(fast_id=fast.pk, today=today, profile_id=profile_id)
                assert len(queries) == 1
                assert orm is not None and sql is not None
                assert sql.joined == getattr(orm, "joined", False)  # type: ignore[attr-defined]
                assert fast_data(sql, request=request, today=today, joined=False) == fast_data(
                    orm, request=request, today=today, joined=False
                ), (fast.name, today, profile_id)


@pytest.mark.django_db
def test_an_unknown_fast_is_none() -> None:
    assert fast_detail(fast_id=987654, today=TODAY, profile_id=None) is None
