"""A profile's totals (Stats), in one query over its memberships.

Each membership row carries what the totals need from the joined fast's stored summary; only a
fast in progress today counts its days (a correlated index range scan on (fast, date)), so the
query reads O(F) rows plus the days of the few ongoing fasts, never F x D days, and Python keeps
only F small tuples.
"""

import datetime as dt
from typing import TypedDict

from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from hub.models import Day, Membership


class Stats(TypedDict):
    joined_fasts: list[int]
    total_fasts: int
    total_fast_days: int
    completed_fasts: int


def profile_stats(*, profile_id: int, today: dt.date) -> Stats:
    days_up_to_today = (
        Day.objects.filter(fast=OuterRef("fast_id"), date__lte=today)
        .order_by()
        .values("fast")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    rows = (
        Membership.objects.filter(profile_id=profile_id)
        .annotate(
            days_kept=Case(
                When(fast__first_day__isnull=True, then=Value(0)),
                When(fast__first_day__gt=today, then=Value(0)),
                When(fast__last_day__lte=today, then=F("fast__day_count")),
                default=Coalesce(Subquery(days_up_to_today), Value(0)),
                output_field=IntegerField(),
            )
        )
        .order_by("fast_id")
        .values_list("fast_id", "fast__last_day", "days_kept")
    )
    joined: list[int] = []
    total_days = completed = 0
    for fast_id, last_day, days_kept in rows:
        joined.append(fast_id)
        total_days += days_kept
        if last_day is not None and last_day < today:
            completed += 1
    return {
        "joined_fasts": joined,
        "total_fasts": len(joined),
        "total_fast_days": total_days,
        "completed_fasts": completed,
    }
