"""Read paths for fasts. Every computed field of the Fast representation is fetched by the
query that fetches the fasts, so each function here is ONE query whatever the number of fasts,
days or participants, and none builds or compiles SQL per request (``PreparedQuery``):

* ``participant_count``, ``start_date``/``end_date``, ``total_number_of_days``, ``year`` are
  stored columns (see hub.models);
* ``current_day_number`` and ``next_fast_date`` depend on the day asked about, so they are
  annotated, each by ONE expression builder below. A CASE answers them from the stored summary
  for fasts that are over or not begun; only a fast in progress runs its correlated subquery,
  an index range scan on (fast, date);
* ``joined`` (when a caller is given) is an EXISTS on the unique (profile, fast) index.
"""

import datetime as dt
from typing import Any

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
    Window,
)
from django.db.models.functions import Coalesce

from hub.models import Day, Fast, Membership
from hub.selectors.compiled import PreparedQuery

# --- The computed fields, each defined once ----------------------------------------------------


def current_day_number(*, on: Any) -> Case:
    """How many of the fast's days are on or before ``on``: 0 before it starts, the stored
    count once it is over, a range count over (fast, date) only while it is in progress."""
    days_up_to = (
        Day.objects.filter(fast=OuterRef("pk"), date__lte=on)
        .order_by()
        .values("fast")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Case(
        When(first_day__isnull=True, then=Value(0)),
        When(first_day__gt=on, then=Value(0)),
        When(last_day__lte=on, then=F("day_count")),
        default=Coalesce(Subquery(days_up_to), Value(0)),
        output_field=IntegerField(),
    )


def next_fast_date(*, today: Any) -> Case:
    """The fast's first day on or after today: none once it is over, the stored first day
    before it starts, the smallest later date over (fast, date) while it is in progress."""
    next_day = (
        Day.objects.filter(fast=OuterRef("pk"), date__gte=today).order_by("date").values("date")[:1]
    )
    return Case(
        When(first_day__isnull=True, then=Value(None)),
        When(last_day__lt=today, then=Value(None)),
        When(first_day__gte=today, then=F("first_day")),
        default=Subquery(next_day),
        output_field=DateField(),
    )


def joined_by(*, profile_id: Any) -> Exists:
    """Whether the profile joined the fast (the unique (profile, fast) index)."""
    return Exists(Membership.objects.filter(fast=OuterRef("pk"), profile_id=profile_id))


def fasts_annotated(
    *, today: Any, day_number_on: Any = None, profile_id: Any = None
) -> QuerySet[Fast]:
    """Fasts with their church and every computed field.

    ``current_day_number`` counts days up to ``day_number_on`` (default: today);
    ``next_fast_date`` is the earliest day on or after today; ``joined`` is annotated when a
    profile is given.
    """
    queryset = Fast.objects.select_related("church").annotate(
        current_day_number=current_day_number(on=today if day_number_on is None else day_number_on),
        next_fast_date=next_fast_date(today=today),
    )
    if profile_id is not None:
        queryset = queryset.annotate(joined=joined_by(profile_id=profile_id))
    return queryset


def _with_day_between(start: Any, end: Any) -> Exists:
    return Exists(Day.objects.filter(fast=OuterRef("pk"), date__gte=start, date__lte=end))


# --- The statements ------------------------------------------------------------------------------

_LIST = PreparedQuery(
    # The stored first/last day prune on the (church, first_day) index; the EXISTS on the
    # (fast, date) index settles fasts whose days skip over the range (weekly fasts).
    lambda p: (
        fasts_annotated(today=p.today)
        .filter(church_id=p.church_id, first_day__lte=p.end, last_day__gte=p.start)
        .filter(_with_day_between(p.start, p.end))
        .order_by("first_day", "id")
    ),
    params={"church_id": int, "start": dt.date, "end": dt.date, "today": dt.date},
)
_DETAIL = PreparedQuery(
    lambda p: fasts_annotated(today=p.today, profile_id=p.profile_id).filter(pk=p.fast_id),
    params={"fast_id": int, "today": dt.date, "profile_id": int},
)
_DETAIL_ANONYMOUS = PreparedQuery(
    lambda p: fasts_annotated(today=p.today).filter(pk=p.fast_id),
    params={"fast_id": int, "today": dt.date},
)


def _on_date(p: Any, *, profile: bool) -> QuerySet[Fast]:
    return (
        fasts_annotated(
            today=p.today, day_number_on=p.date, profile_id=p.profile_id if profile else None
        )
        .filter(church_id=p.church_id)
        .filter(_with_day_between(p.date, p.date))
    )


def _by_feast(p: Any, *, profile: bool) -> QuerySet[Fast]:
    return fasts_annotated(today=p.today, profile_id=p.profile_id if profile else None).filter(
        church_id=p.church_id, culmination_feast_date=p.feast_date
    )


def _params(*, profile: bool, **params: type) -> dict[str, type]:
    return {**params, "profile_id": int} if profile else params


def _on_date_page(profile: bool) -> PreparedQuery[Fast]:
    def build(p: Any) -> QuerySet[Fast]:
        paged = _on_date(p, profile=profile).annotate(page_total=Window(Count("pk")))
        return paged.order_by("first_day", "id")

    params = _params(profile=profile, church_id=int, date=dt.date, today=dt.date)
    return PreparedQuery(build, params=params, paged=True)


def _by_feast_page(profile: bool) -> PreparedQuery[Fast]:
    def build(p: Any) -> QuerySet[Fast]:
        paged = _by_feast(p, profile=profile).annotate(page_total=Window(Count("pk")))
        return paged.order_by("first_day", "id")

    params = _params(profile=profile, church_id=int, feast_date=dt.date, today=dt.date)
    return PreparedQuery(build, params=params, paged=True)


def _on_date_legacy(profile: bool) -> PreparedQuery[Fast]:
    def build(p: Any) -> QuerySet[Fast]:
        return _on_date(p, profile=profile).order_by("-id")[:1]

    params = _params(profile=profile, church_id=int, date=dt.date, today=dt.date)
    return PreparedQuery(build, params=params)


# Keyed by "is there a caller" (the caller's ``joined`` is then part of the statement).
_ON_DATE_PAGE = {profile: _on_date_page(profile) for profile in (True, False)}
_BY_FEAST_PAGE = {profile: _by_feast_page(profile) for profile in (True, False)}
_ON_DATE_LEGACY = {profile: _on_date_legacy(profile) for profile in (True, False)}
_JOINED_ON_DATE = PreparedQuery(
    lambda p: (
        _on_date(p, profile=True).filter(memberships__profile_id=p.profile_id).order_by("-id")[:1]
    ),
    params={"church_id": int, "date": dt.date, "today": dt.date, "profile_id": int},
)
_JOINED_IDS = PreparedQuery(
    lambda p: (
        Membership.objects.filter(profile_id=p.profile_id)
        .order_by("fast_id")
        .values_list("fast_id")
    ),
    params={"profile_id": int},
)
_PARTICIPANT_COUNT = PreparedQuery(
    lambda p: Fast.objects.filter(pk=p.fast_id).values_list("participant_count"),
    params={"fast_id": int},
)
_DAY_COUNT = PreparedQuery(
    lambda p: Fast.objects.filter(pk=p.fast_id).values_list("day_count"),
    params={"fast_id": int},
)


def _caller(profile_id: int | None) -> dict[str, int]:
    return {} if profile_id is None else {"profile_id": profile_id}


# --- Reads ---------------------------------------------------------------------------------------


def fast_list_for_church(
    *, church_id: int, start: dt.date, end: dt.date, today: dt.date
) -> list[Fast]:
    """Fasts of a church with at least one day in [start, end], by start date. One query."""
    return _LIST.instances(church_id=church_id, start=start, end=end, today=today)


def fast_detail(*, fast_id: int, today: dt.date, profile_id: int | None) -> Fast | None:
    """One fast with every computed field and the caller's ``joined``. One query."""
    if profile_id is None:
        return _DETAIL_ANONYMOUS.first(fast_id=fast_id, today=today)
    return _DETAIL.first(fast_id=fast_id, today=today, profile_id=profile_id)


def fasts_on_date_page(
    *,
    church_id: int,
    date: dt.date,
    today: dt.date,
    profile_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[Fast], int]:
    """A page of the church's fasts with a day on ``date`` (day numbers count up to that date),
    by start date, and their total. One query."""
    return _page(
        _ON_DATE_PAGE,
        profile_id,
        church_id=church_id,
        date=date,
        today=today,
        offset=offset,
        limit=limit,
    )


def fasts_by_feast_date_page(
    *,
    church_id: int,
    feast_date: dt.date,
    today: dt.date,
    profile_id: int | None,
    offset: int,
    limit: int,
) -> tuple[list[Fast], int]:
    """A page of the church's fasts culminating on ``feast_date`` and their total. One query."""
    return _page(
        _BY_FEAST_PAGE,
        profile_id,
        church_id=church_id,
        feast_date=feast_date,
        today=today,
        offset=offset,
        limit=limit,
    )


def _page(
    shapes: dict[bool, PreparedQuery[Fast]], profile_id: int | None, **values: Any
) -> tuple[list[Fast], int]:
    fasts = shapes[profile_id is not None].instances(**values, **_caller(profile_id))
    return fasts, int(getattr(fasts[0], "page_total", 0)) if fasts else 0


def fast_on_date_for_church(
    *, church_id: int, date: dt.date, today: dt.date, profile_id: int | None
) -> Fast | None:
    """Legacy: the church's fast with a day on ``date`` (the highest id when several)."""
    return _ON_DATE_LEGACY[profile_id is not None].first(
        church_id=church_id, date=date, today=today, **_caller(profile_id)
    )


def joined_fast_on_date(
    *, profile_id: int, church_id: int, date: dt.date, today: dt.date
) -> Fast | None:
    """Legacy: the caller's joined fast of their church with a day on ``date``."""
    return _JOINED_ON_DATE.first(profile_id=profile_id, church_id=church_id, date=date, today=today)


def joined_fast_ids(*, profile_id: int) -> list[int]:
    """Ids of the fasts a profile joined, ascending (index-only scan on the membership key)."""
    return [int(fast_id) for fast_id in _JOINED_IDS.scalars(profile_id=profile_id)]


def fast_participant_count(*, fast_id: int) -> int | None:
    """The stored participant count, or None when there is no such fast."""
    counts = _PARTICIPANT_COUNT.scalars(fast_id=fast_id)
    return counts[0] if counts else None


def fast_day_count(*, fast_id: int) -> int | None:
    counts = _DAY_COUNT.scalars(fast_id=fast_id)
    return counts[0] if counts else None
