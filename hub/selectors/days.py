"""Days of a fast and days of the fasts a profile joined, a page at a time, by date.

Each page query also returns the total, so a page with its count is one query (prepared once
per process: ``hub.selectors.compiled``).
"""

import datetime as dt
from typing import Any, NamedTuple

from django.db.models import QuerySet, Subquery, Sum

from hub.models import Day, Fast, MemberDay, Membership
from hub.selectors.compiled import PreparedQuery


class DayRow(NamedTuple):
    id: int
    date: dt.date
    fast_id: int | None
    church_id: int
    total: int


def _fast_days(p: Any) -> "QuerySet[Day, Any]":
    total = Fast.objects.filter(pk=p.fast_id).values("day_count")
    return (
        Day.objects.filter(fast_id=p.fast_id)
        .annotate(total=Subquery(total))
        .order_by("date", "id")
        .values_list("id", "date", "fast_id", "church_id", "total")
    )


def _profile_days(p: Any) -> "QuerySet[MemberDay, Any]":
    total = (
        Membership.objects.filter(profile_id=p.profile_id)
        .order_by()
        .values("profile_id")
        .annotate(n=Sum("fast__day_count"))
        .values("n")
    )
    return (
        MemberDay.objects.filter(profile_id=p.profile_id)
        .annotate(total=Subquery(total))
        .order_by("date", "day_id")
        .values_list("day_id", "date", "fast_id", "day__church_id", "total")
    )


_FAST_DAYS = PreparedQuery(_fast_days, params={"fast_id": int}, paged=True)
_PROFILE_DAYS = PreparedQuery(_profile_days, params={"profile_id": int}, paged=True)


def fast_days_page(*, fast_id: int, offset: int, limit: int) -> list[DayRow]:
    """A page of a fast's days: a range scan on the (fast, date) index, O(page); the total is
    the fast's stored day count. One query."""
    return [DayRow(*row) for row in _FAST_DAYS.rows(fast_id=fast_id, offset=offset, limit=limit)]


def profile_days_page(*, profile_id: int, offset: int, limit: int) -> list[DayRow]:
    """The days of the fasts a profile joined: an index range scan on the per-member day index
    (profile, date, day), O(page); the total is the sum of the joined fasts' stored day counts,
    a scalar subquery over the profile's memberships evaluated once. One query."""
    rows = _PROFILE_DAYS.rows(profile_id=profile_id, offset=offset, limit=limit)
    return [DayRow(*row) for row in rows]


def fast_dates(*, fast_id: int) -> list[dt.date]:
    """Every date of a fast, in order: a range scan on the (fast, date) index. One query."""
    return list(Day.objects.filter(fast_id=fast_id).order_by("date").values_list("date", flat=True))
