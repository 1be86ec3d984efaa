"""Days of a fast and days of the fasts a profile joined, a page at a time, by date.

Each page query also returns the total row count through ``COUNT(*) OVER ()``, so a page with
its count is one query.
"""

import datetime as dt
from typing import NamedTuple

from django.db.models import Count, QuerySet, Window

from hub.models import Day


class DayRow(NamedTuple):
    id: int
    date: dt.date
    fast_id: int | None
    church_id: int
    total: int


def _page(queryset: QuerySet[Day], *, offset: int, limit: int) -> list[DayRow]:
    rows = (
        queryset.annotate(total=Window(Count("pk")))
        .order_by("date", "id")
        .values_list("id", "date", "fast_id", "church_id", "total")[offset : offset + limit]
    )
    return [DayRow(*row) for row in rows]


def fast_days_page(*, fast_id: int, offset: int, limit: int) -> list[DayRow]:
    return _page(Day.objects.filter(fast_id=fast_id), offset=offset, limit=limit)


def profile_days_page(*, profile_id: int, offset: int, limit: int) -> list[DayRow]:
    return _page(
        Day.objects.filter(fast__memberships__profile_id=profile_id), offset=offset, limit=limit
    )
