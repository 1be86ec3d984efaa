"""Writes to the fast calendar: keeping each fast's day summary exact, and invalidating caches.

``fasts_calendar_refresh`` is the one place that recomputes ``first_day``, ``last_day``,
``day_count`` and ``year`` from the days themselves. It runs on every day change (signals cover
admin and shell edits; bulk writers call it directly) and, in the same transaction, bumps the
cache versions of everything whose cached responses show those values.
"""

from collections.abc import Iterable

from django.db.models import Count, Max, Min

from hub.caching import churches_bump_for_fasts, profiles_bump_for_fasts
from hub.models import Day, Fast


def fasts_calendar_refresh(*, fast_ids: Iterable[int | None]) -> None:
    """Recompute the calendar summary of the given fasts (2 + len(fast_ids) queries)."""
    ids = sorted({fast_id for fast_id in fast_ids if fast_id is not None})
    if not ids:
        return
    summaries = {
        row["fast_id"]: row
        for row in Day.objects.filter(fast_id__in=ids)
        .values("fast_id")
        .annotate(first=Min("date"), last=Max("date"), count=Count("id"))
        .order_by()
    }
    for fast_id in ids:
        row = summaries.get(fast_id)
        Fast.objects.filter(pk=fast_id).update(
            first_day=row["first"] if row else None,
            last_day=row["last"] if row else None,
            day_count=row["count"] if row else 0,
            year=row["first"].year if row else None,
        )
    churches_bump_for_fasts(fast_ids=ids)
    profiles_bump_for_fasts(fast_ids=ids)
