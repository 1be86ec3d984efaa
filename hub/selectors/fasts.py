"""Read paths for fasts. Every computed field of the Fast representation is fetched by the
query that fetches the fasts, so each function here is ONE query whatever the number of fasts,
days or participants:

* ``participant_count``, ``start_date``/``end_date``, ``total_number_of_days``, ``year`` are
  stored columns (see hub.models);
* ``current_day_number`` and ``next_fast_date`` depend on the day asked about, so they are
  annotated. A CASE answers them from the stored summary for fasts that are over or not begun;
  only a fast in progress runs its correlated subquery, an index range scan on (fast, date);
* ``joined`` (when asked for) is an EXISTS on the unique (profile, fast) index.
"""

import datetime as dt

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from hub.models import Church, Day, Fast, Membership

# The widest date range a fast list may ask for; keeps the bare-array list bounded.
MAX_RANGE_DAYS = 731


def fasts_annotated(
    *, today: dt.date, day_number_on: dt.date | None = None, profile_id: int | None = None
) -> QuerySet[Fast]:
    """Fasts with their church and every computed field.

    ``current_day_number`` counts days up to ``day_number_on`` (default: today);
    ``next_fast_date`` is the earliest day on or after today; ``joined`` is annotated when a
    profile is given.
    """
    on = day_number_on or today
    days_of_fast = Day.objects.filter(fast=OuterRef("pk")).order_by()
    days_up_to = (
        days_of_fast.filter(date__lte=on).values("fast").annotate(n=Count("pk")).values("n")[:1]
    )
    next_day = days_of_fast.filter(date__gte=today).order_by("date").values("date")[:1]
    queryset = Fast.objects.select_related("church").annotate(
        current_day_number=Case(
            When(first_day__isnull=True, then=Value(0)),
            When(first_day__gt=on, then=Value(0)),
            When(last_day__lte=on, then=F("day_count")),
            default=Coalesce(Subquery(days_up_to), Value(0)),
            output_field=IntegerField(),
        ),
        next_fast_date=Case(
            When(first_day__isnull=True, then=Value(None)),
            When(last_day__lt=today, then=Value(None)),
            When(first_day__gte=today, then=F("first_day")),
            default=Subquery(next_day),
            output_field=DateField(),
        ),
    )
    if profile_id is not None:
        queryset = queryset.annotate(
            joined=Exists(Membership.objects.filter(fast=OuterRef("pk"), profile_id=profile_id))
        )
    return queryset


def _with_day_between(start: dt.date, end: dt.date) -> Exists:
    return Exists(Day.objects.filter(fast=OuterRef("pk"), date__gte=start, date__lte=end))


def fast_list_for_church(
    *, church_id: int, start: dt.date, end: dt.date, today: dt.date
) -> list[Fast]:
    """Fasts of a church with at least one day in [start, end], by start date. One query.

    The stored first/last day prune on the (church, first_day) index; the EXISTS on the
    (fast, date) index settles fasts whose days skip over the range (weekly fasts).
    """
    return list(
        fasts_annotated(today=today)
        .filter(church_id=church_id, first_day__lte=end, last_day__gte=start)
        .filter(_with_day_between(start, end))
        .order_by("first_day", "id")
    )


# The statement `fasts_annotated(...).filter(pk=...)` compiles to, written out once: the detail is
# the most requested single-row read, and building and compiling that queryset took ~95 % of its
# time (0.08 ms to run, ~3 ms to build and compile on the benchmark machine). The test suite
# checks it against the ORM version (tests/selectors/test_fast_detail_sql.py).
_DAY, _MEMBERSHIP = Day._meta.db_table, Membership._meta.db_table
_DETAIL_SQL = f"""
SELECT f.*, c.name AS church_name,
    CASE WHEN f.first_day IS NULL OR f.first_day > %s THEN 0
         WHEN f.last_day <= %s THEN f.day_count
         ELSE (SELECT COUNT(*) FROM {_DAY} d WHERE d.fast_id = f.id AND d.date <= %s)
    END AS current_day_number,
    CASE WHEN f.first_day IS NULL OR f.last_day < %s THEN NULL
         WHEN f.first_day >= %s THEN f.first_day
         ELSE (SELECT MIN(d.date) FROM {_DAY} d WHERE d.fast_id = f.id AND d.date >= %s)
    END AS next_fast_date,
    EXISTS (SELECT 1 FROM {_MEMBERSHIP} m
            WHERE m.fast_id = f.id AND m.profile_id = %s) AS joined
FROM {Fast._meta.db_table} f JOIN {Church._meta.db_table} c ON c.id = f.church_id
WHERE f.id = %s
"""  # noqa: S608 - table names from the models; every value is a parameter


def fast_detail(*, fast_id: int, today: dt.date, profile_id: int | None) -> Fast | None:
    """One fast with every computed field and the caller's ``joined``. One query."""
    day = connection.ops.adapt_datefield_value(today)
    params = [day, day, day, day, day, day, profile_id, fast_id]
    fast = next(iter(Fast.objects.raw(_DETAIL_SQL, params)), None)
    if fast is None:
        return None
    # Computed columns arrive as the driver reads them (SQLite: ISO strings and 0/1).
    fast.church = Church(pk=fast.church_id, name=fast.church_name)  # type: ignore[attr-defined]
    next_date = fast.next_fast_date  # type: ignore[attr-defined]
    if isinstance(next_date, str):
        fast.next_fast_date = dt.date.fromisoformat(next_date)  # type: ignore[attr-defined]
    fast.joined = bool(fast.joined)  # type: ignore[attr-defined]
    fast.current_day_number = int(fast.current_day_number)  # type: ignore[attr-defined]
    return fast


def fast_detail_orm(*, fast_id: int, today: dt.date, profile_id: int | None) -> Fast | None:
    """The same read through the ORM: the reference ``fast_detail`` is tested against."""
    return fasts_annotated(today=today, profile_id=profile_id).filter(pk=fast_id).first()


def fasts_on_date_for_church(
    *, church_id: int, date: dt.date, today: dt.date, profile_id: int | None
) -> QuerySet[Fast]:
    """Fasts of a church with a day on ``date``; day numbers count up to that date."""
    return (
        fasts_annotated(today=today, day_number_on=date, profile_id=profile_id)
        .filter(church_id=church_id)
        .filter(_with_day_between(date, date))
        .order_by("first_day", "id")
    )


def fasts_by_feast_date_for_church(
    *, church_id: int, feast_date: dt.date, today: dt.date, profile_id: int | None
) -> QuerySet[Fast]:
    return (
        fasts_annotated(today=today, profile_id=profile_id)
        .filter(church_id=church_id, culmination_feast_date=feast_date)
        .order_by("first_day", "id")
    )


def fast_on_date_for_church(
    *, church_id: int, date: dt.date, today: dt.date, profile_id: int | None
) -> Fast | None:
    """Legacy: the church's fast with a day on ``date`` (the highest id when several)."""
    return (
        fasts_annotated(today=today, day_number_on=date, profile_id=profile_id)
        .filter(church_id=church_id)
        .filter(_with_day_between(date, date))
        .order_by("-id")
        .first()
    )


def joined_fast_on_date(
    *, profile_id: int, church_id: int, date: dt.date, today: dt.date
) -> Fast | None:
    """Legacy: the caller's joined fast of their church with a day on ``date``."""
    return (
        fasts_annotated(today=today, day_number_on=date, profile_id=profile_id)
        .filter(church_id=church_id, memberships__profile_id=profile_id)
        .filter(_with_day_between(date, date))
        .order_by("-id")
        .first()
    )


def joined_fast_ids(*, profile_id: int) -> list[int]:
    """Ids of the fasts a profile joined, ascending (index-only scan on the membership key)."""
    return list(
        Membership.objects.filter(profile_id=profile_id)
        .order_by("fast_id")
        .values_list("fast_id", flat=True)
    )


def fast_participant_count(*, fast_id: int) -> int | None:
    """The stored participant count, or None when there is no such fast."""
    return Fast.objects.filter(pk=fast_id).values_list("participant_count", flat=True).first()


def fast_day_count(*, fast_id: int) -> int | None:
    return Fast.objects.filter(pk=fast_id).values_list("day_count", flat=True).first()
