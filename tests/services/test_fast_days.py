"""A fast's calendar summary (``first_day``, ``last_day``, ``day_count``, ``year``) as the
services that write days leave it: ``fast_days_add`` and ``fast_create``
(hub.services.fasts). The database keeps the summary with triggers (migration 0004); here, what
the services promise on top: days for many fasts in one call, one INSERT per batch, all or
nothing, and a new fast returned with its summary. Every other way days change (saved, moved,
deleted, the admin) is in tests/models/test_calendar_summary.py and
tests/models/test_stored_values.py."""

import datetime as dt

import pytest
from django.db import IntegrityError

from hub.models import Day, Fast
from hub.services.fasts import fast_create, fast_days_add
from tests.support.factories import make_church, make_fast
from tests.support.statements import Statements

pytestmark = pytest.mark.django_db

Summary = tuple[dt.date | None, dt.date | None, int, int | None]


def _summary(fast: Fast) -> Summary:
    fast.refresh_from_db()
    return fast.first_day, fast.last_day, fast.day_count, fast.year


def _dates(fast: Fast) -> list[dt.date]:
    return list(Day.objects.filter(fast=fast).order_by("date").values_list("date", flat=True))


def test_days_for_several_fasts_in_one_call_one_insert_per_batch() -> None:
    church, other_church = make_church(), make_church()
    lent = make_fast(church=church, name="Lent")
    advent = make_fast(church=other_church, name="Advent")
    days = [
        (lent.pk, dt.date(2027, 3, 16)),
        (advent.pk, dt.date(2027, 12, 1)),
        (lent.pk, dt.date(2027, 3, 15)),
        (advent.pk, dt.date(2028, 1, 5)),
        (lent.pk, dt.date(2027, 4, 30)),
    ]

    with Statements() as sent:
        fast_days_add(days=days, batch_size=2)

    assert sent.kinds() == ["SELECT", "INSERT", "INSERT", "INSERT"]  # the churches, 2 + 2 + 1
    assert _summary(lent) == (dt.date(2027, 3, 15), dt.date(2027, 4, 30), 3, 2027)
    assert _summary(advent) == (dt.date(2027, 12, 1), dt.date(2028, 1, 5), 2, 2027)
    assert set(Day.objects.filter(fast=lent).values_list("church_id", flat=True)) == {church.pk}
    assert set(Day.objects.filter(fast=advent).values_list("church_id", flat=True)) == {
        other_church.pk
    }


def test_days_added_before_the_first_day_move_the_run_and_the_year() -> None:
    fast = make_fast(church=make_church(), start=dt.date(2027, 1, 2), days=2)
    assert _summary(fast) == (dt.date(2027, 1, 2), dt.date(2027, 1, 3), 2, 2027)

    fast_days_add(days=[(fast.pk, dt.date(2026, 12, 31)), (fast.pk, dt.date(2027, 2, 1))])

    assert _summary(fast) == (dt.date(2026, 12, 31), dt.date(2027, 2, 1), 4, 2026)


@pytest.mark.django_db(transaction=True)  # the service's own transaction, not the test's
def test_a_date_the_fast_already_has_adds_nothing_at_all() -> None:
    fast = make_fast(church=make_church(), start=dt.date(2027, 3, 1), days=2)
    before = _summary(fast)
    new = [(fast.pk, dt.date(2027, 2, 27)), (fast.pk, dt.date(2027, 2, 28))]

    with pytest.raises(IntegrityError):
        fast_days_add(days=[*new, (fast.pk, dt.date(2027, 3, 2))], batch_size=1)

    assert _summary(fast) == before
    assert _dates(fast) == [dt.date(2027, 3, 1), dt.date(2027, 3, 2)]


def test_no_days_writes_nothing() -> None:
    with Statements() as sent:
        fast_days_add(days=[])
    assert sent.writes == []


def test_a_new_fast_is_two_inserts_and_comes_back_with_its_summary() -> None:
    church = make_church()
    dates = [dt.date(2027, 1, 5), dt.date(2026, 12, 30), dt.date(2027, 1, 5), dt.date(2027, 1, 1)]

    with Statements() as sent:
        fast = fast_create(name="Nativity", church=church, dates=dates)

    assert sent.writes[0].startswith('INSERT INTO "hub_fast"')
    assert [sql.split('"')[1] for sql in sent.writes] == ["hub_fast", "hub_day"]
    # Returned as the database left it: no refresh needed by the caller.
    assert (fast.first_day, fast.last_day, fast.day_count, fast.year) == (
        dt.date(2026, 12, 30),
        dt.date(2027, 1, 5),
        3,
        2026,
    )
    assert _summary(fast) == (fast.first_day, fast.last_day, fast.day_count, fast.year)
