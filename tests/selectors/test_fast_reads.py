"""The fast reads answer what a plain ORM evaluation and a written-out SQL oracle answer.

``PreparedQuery`` compiles each queryset shape once and re-binds values; these tests check, for
every kind of fast, "today" and caller, that (1) the prepared statement returns exactly what
evaluating the same queryset through the ORM returns, and (2) the computed fields equal an
independent statement written out by hand here, the oracle of the expression builders in
``hub.selectors.fasts``.
"""

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from hub.api.serializers.fasts import fast_data
from hub.models import Church, Day, Fast, Membership
from hub.selectors import fasts as selectors
from hub.selectors.compiled import PreparedQuery
from hub.services.memberships import fast_join
from tests.support.factories import make_church, make_fast, make_user

TODAY = dt.date(2026, 3, 10)
TODAYS = (TODAY, TODAY + dt.timedelta(days=30), TODAY - dt.timedelta(days=30))

# The oracle: the computed fields written out once by hand, independent of the builders.
_DAY, _MEMBERSHIP = Day._meta.db_table, Membership._meta.db_table
_ORACLE_SQL = f"""
SELECT f.id,
    CASE WHEN f.first_day IS NULL OR f.first_day > %s THEN 0
         WHEN f.last_day <= %s THEN f.day_count
         ELSE (SELECT COUNT(*) FROM {_DAY} d WHERE d.fast_id = f.id AND d.date <= %s)
    END,
    CASE WHEN f.first_day IS NULL OR f.last_day < %s THEN NULL
         WHEN f.first_day >= %s THEN f.first_day
         ELSE (SELECT MIN(d.date) FROM {_DAY} d WHERE d.fast_id = f.id AND d.date >= %s)
    END,
    EXISTS (SELECT 1 FROM {_MEMBERSHIP} m
            WHERE m.fast_id = f.id AND m.profile_id = %s)
FROM {Fast._meta.db_table} f WHERE f.id = %s
"""  # noqa: S608 - table names from the models; every value is a parameter


def oracle(*, fast_id: int, today: dt.date, on: dt.date, profile_id: int | None) -> tuple[Any, ...]:
    """(current_day_number, next_fast_date, joined) as the written-out statement answers."""
    day, at = connection.ops.adapt_datefield_value(today), connection.ops.adapt_datefield_value(on)
    with connection.cursor() as cursor:
        cursor.execute(_ORACLE_SQL, [at, at, at, day, day, day, profile_id, fast_id])
        _, number, next_date, joined = cursor.fetchone()
    if isinstance(next_date, str):
        next_date = dt.date.fromisoformat(next_date)
    return int(number), next_date, bool(joined)


@pytest.fixture
def calendar() -> tuple[Church, list[Fast], Any, Any]:
    church = make_church()
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
    for fast in fasts[1:4]:
        fast_join(profile=member.profile, fast_id=fast.pk)
    return church, fasts, member, stranger


def _orm(prepared: PreparedQuery[Any], **values: Any) -> list[Any]:
    """The same shape evaluated the ordinary way: built with the real values, then iterated."""
    offset, limit = values.pop("offset", None), values.pop("limit", None)
    queryset = prepared._build(SimpleNamespace(**values))
    if offset is not None:
        queryset = queryset[offset : offset + limit]
    return list(queryset)


def _same(prepared: Any, orm: Any) -> None:
    assert [(type(a), a.pk, a.__dict__.keys()) for a in prepared] == [
        (type(b), b.pk, b.__dict__.keys()) for b in orm
    ]
    request = APIRequestFactory().get("/")
    for mine, theirs in zip(prepared, orm, strict=True):
        assert fast_data(mine, request=request, today=TODAY, joined=False) == fast_data(
            theirs, request=request, today=TODAY, joined=False
        )
        assert getattr(mine, "joined", None) == getattr(theirs, "joined", None)
        assert getattr(mine, "page_total", None) == getattr(theirs, "page_total", None)


@pytest.mark.django_db
def test_every_kind_of_fast_reads_as_the_oracle_and_the_orm_read_it(calendar: Any) -> None:
    _, fasts, member, stranger = calendar
    for fast in fasts:
        for profile_id in (member.profile.pk, stranger.profile.pk, None):
            for today in TODAYS:
                with CaptureQueriesContext(connection) as queries:
                    read = selectors.fast_detail(
                        fast_id=fast.pk, today=today, profile_id=profile_id
                    )
                assert len(queries) == 1
                assert read is not None
                expected = oracle(fast_id=fast.pk, today=today, on=today, profile_id=profile_id)
                joined = bool(getattr(read, "joined", False))
                assert (read.current_day_number, read.next_fast_date, joined) == expected  # type: ignore[attr-defined]
                shape = selectors._DETAIL if profile_id else selectors._DETAIL_ANONYMOUS
                values: dict[str, Any] = {"fast_id": fast.pk, "today": today}
                if profile_id:
                    values["profile_id"] = profile_id
                _same([read], _orm(shape, **values))


@pytest.mark.django_db
def test_lists_and_pages_read_as_the_orm_reads_them(calendar: Any) -> None:
    church, fasts, member, _ = calendar
    start, end = TODAY - dt.timedelta(days=25), TODAY + dt.timedelta(days=25)
    for today in TODAYS:
        listed = selectors.fast_list_for_church(
            church_id=church.pk, start=start, end=end, today=today
        )
        assert listed
        _same(
            listed,
            _orm(selectors._LIST, church_id=church.pk, start=start, end=end, today=today),
        )
        for date in (TODAY, TODAY - dt.timedelta(days=2), TODAY + dt.timedelta(days=5)):
            for profile_id in (member.profile.pk, None):
                caller = {"profile_id": profile_id} if profile_id else {}
                for offset in (0, 2):
                    page, total = selectors.fasts_on_date_page(
                        church_id=church.pk,
                        date=date,
                        today=today,
                        profile_id=profile_id,
                        offset=offset,
                        limit=2,
                    )
                    orm = _orm(
                        selectors._ON_DATE_PAGE[profile_id is not None],
                        church_id=church.pk,
                        date=date,
                        today=today,
                        offset=offset,
                        limit=2,
                        **caller,
                    )
                    _same(page, orm)
                    for fast in page:
                        number, _, _ = oracle(
                            fast_id=fast.pk, today=today, on=date, profile_id=None
                        )
                        assert fast.current_day_number == number  # type: ignore[attr-defined]
                legacy = selectors.fast_on_date_for_church(
                    church_id=church.pk, date=date, today=today, profile_id=profile_id
                )
                legacy_orm = _orm(
                    selectors._ON_DATE_LEGACY[profile_id is not None],
                    church_id=church.pk,
                    date=date,
                    today=today,
                    **caller,
                )
                _same([legacy] if legacy else [], legacy_orm)
    feast = fasts[-1].culmination_feast_date
    page, total = selectors.fasts_by_feast_date_page(
        church_id=church.pk, feast_date=feast, today=TODAY, profile_id=None, offset=0, limit=10
    )
    assert [f.pk for f in page] == [fasts[-1].pk] and total == 1


@pytest.mark.django_db
def test_unknown_ids_read_as_nothing() -> None:
    assert selectors.fast_detail(fast_id=987654, today=TODAY, profile_id=None) is None
    assert selectors.fast_detail(fast_id=987654, today=TODAY, profile_id=1) is None
    assert selectors.fast_participant_count(fast_id=987654) is None
    assert selectors.fast_day_count(fast_id=987654) is None
    assert selectors.joined_fast_ids(profile_id=987654) == []
