"""A profile's totals (Stats), in one query over its memberships and its day index.

One row per joined fast (its id and stored last day: which fasts, how many, how many over), and
the days kept so far as one range count on the per-member day index (profile, date, day): the
rows of that profile dated on or before today. Whether the 200 fasts a faithful member joined
are all over, all to come or all in progress, the query reads O(F) membership rows and one
index range; it never runs a per-fast subquery, and Python keeps only F small tuples.
"""

import datetime as dt
from typing import Any, TypedDict

from django.db.models import Count, QuerySet, Subquery

from hub.models import MemberDay, Membership
from hub.selectors.compiled import PreparedQuery


class Stats(TypedDict):
    joined_fasts: list[int]
    total_fasts: int
    total_fast_days: int
    completed_fasts: int


def _stats_rows(p: Any) -> "QuerySet[Membership, Any]":
    days_kept = (
        MemberDay.objects.filter(profile_id=p.profile_id, date__lte=p.today)
        .order_by()
        .values("profile_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Membership.objects.filter(profile_id=p.profile_id)
        .annotate(days_kept=Subquery(days_kept))
        .order_by("fast_id")
        .values_list("fast_id", "fast__last_day", "days_kept")
    )


_STATS = PreparedQuery(_stats_rows, params={"profile_id": int, "today": dt.date})


def profile_stats(*, profile_id: int, today: dt.date) -> Stats:
    rows = _STATS.rows(profile_id=profile_id, today=today)
    joined = [int(fast_id) for fast_id, _, _ in rows]
    completed = sum(1 for _, last_day, _ in rows if last_day is not None and last_day < today)
    return {
        "joined_fasts": joined,
        "total_fasts": len(joined),
        "total_fast_days": int(rows[0][2] or 0) if rows else 0,
        "completed_fasts": completed,
    }
