"""A fast's stored calendar summary (first/last day, day count, year) follows its days, whatever
ORM path changes them (shell-style saves and deletes; the admin inline is tested in tests/admin)."""

import datetime as dt

import pytest

from hub.models import Day, Fast
from tests.support.factories import make_church, make_fast

pytestmark = pytest.mark.django_db


def _summary(fast: Fast) -> tuple[dt.date | None, dt.date | None, int, int | None]:
    fast.refresh_from_db()
    return fast.first_day, fast.last_day, fast.day_count, fast.year


def test_adding_days_one_by_one() -> None:
    church = make_church()
    fast = make_fast(church=church)
    assert _summary(fast) == (None, None, 0, None)
    Day.objects.create(fast=fast, church=church, date=dt.date(2027, 3, 10))
    assert _summary(fast) == (dt.date(2027, 3, 10), dt.date(2027, 3, 10), 1, 2027)
    Day.objects.create(fast=fast, church=church, date=dt.date(2026, 12, 31))
    assert _summary(fast) == (dt.date(2026, 12, 31), dt.date(2027, 3, 10), 2, 2026)


def test_moving_a_day_to_another_fast_updates_both() -> None:
    church = make_church()
    source = make_fast(church=church, start=dt.date(2027, 1, 1), days=3)
    target = make_fast(church=church, start=dt.date(2027, 6, 1), days=2)
    day = Day.objects.get(fast=source, date=dt.date(2027, 1, 1))
    day.fast = target
    day.save()
    assert _summary(source) == (dt.date(2027, 1, 2), dt.date(2027, 1, 3), 2, 2027)
    assert _summary(target) == (dt.date(2027, 1, 1), dt.date(2027, 6, 2), 3, 2027)


def test_detaching_a_day_from_its_fast() -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 1, 1), days=2)
    day = Day.objects.get(fast=fast, date=dt.date(2027, 1, 2))
    day.fast = None
    day.save()
    assert _summary(fast) == (dt.date(2027, 1, 1), dt.date(2027, 1, 1), 1, 2027)


def test_changing_a_date_moves_the_year() -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 1, 1), days=2)
    day = Day.objects.get(fast=fast, date=dt.date(2027, 1, 1))
    day.date = dt.date(2026, 12, 30)
    day.save()
    assert _summary(fast) == (dt.date(2026, 12, 30), dt.date(2027, 1, 2), 2, 2026)


def test_deleting_days_down_to_none() -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 4, 1), days=3)
    Day.objects.get(fast=fast, date=dt.date(2027, 4, 3)).delete()
    assert _summary(fast) == (dt.date(2027, 4, 1), dt.date(2027, 4, 2), 2, 2027)
    for day in Day.objects.filter(fast=fast):
        day.delete()
    assert _summary(fast) == (None, None, 0, None)


def test_deleting_a_fast_removes_its_days_and_leaves_others_exact() -> None:
    church = make_church()
    gone = make_fast(church=church, start=dt.date(2027, 4, 1), days=3)
    kept = make_fast(church=church, start=dt.date(2027, 4, 2), days=2)
    gone.delete()
    assert not Fast.objects.filter(pk=gone.pk).exists()
    assert not Day.objects.filter(fast_id=gone.pk).exists()
    assert _summary(kept) == (dt.date(2027, 4, 2), dt.date(2027, 4, 3), 2, 2027)


def test_saving_a_stale_fast_instance_does_not_undo_the_summary() -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date(2027, 4, 1), days=1)
    stale = Fast.objects.get(pk=fast.pk)
    Day.objects.create(fast=fast, church=church, date=dt.date(2027, 4, 5))
    stale.description = "edited"
    stale.save()
    assert _summary(fast) == (dt.date(2027, 4, 1), dt.date(2027, 4, 5), 2, 2027)
    assert fast.description == "edited"
