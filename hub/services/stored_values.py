"""Auditing every stored value against a recount of the rows it derives from, and repairing it.

The database keeps these values in the statement that changes their rows (migration 0004), so
an audit should always come back clean. It is the independent check of that promise (the test
suite runs it after every kind of write) and the tool for the day it breaks (a restore from an
old dump, triggers dropped by hand): ``manage.py audit_stored_values [--repair]``.

Each check is one set-based query whatever the size of the data, except the fast summaries,
which compare one row per fast (a few thousand at most). A repair is a few set-based statements
in one transaction; the repaired rows go through the triggers like any write, so the cache
versions of what they show are bumped too.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connections, router, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear

from hub.models import Day, Fast, MemberDay, Membership, Profile

SAMPLE_SIZE = 5


@dataclass(frozen=True)
class Drift:
    """Rows whose stored value differs from the recount."""

    value: str  # which stored value
    rows: int
    sample: tuple[int, ...]  # a few ids of the rows concerned

    def __str__(self) -> str:
        ids = ", ".join(str(pk) for pk in self.sample)
        return f"{self.value}: {self.rows} row(s) differ (e.g. {ids})"


@dataclass(frozen=True)
class _Check:
    value: str
    find: Callable[[], tuple[int, tuple[int, ...]]]
    repair: Callable[[], None]


def stored_values_audit() -> list[Drift]:
    """Every stored value that differs from its recount (empty when all is well)."""
    drifts = []
    for check in _CHECKS:
        rows, sample = check.find()
        if rows:
            drifts.append(Drift(value=check.value, rows=rows, sample=sample))
    return drifts


def stored_values_repair() -> list[Drift]:
    """Recompute every value that drifted, in one transaction; returns what was repaired."""
    with transaction.atomic():
        repaired = []
        for check in _CHECKS:
            rows, sample = check.find()
            if rows:
                check.repair()
                repaired.append(Drift(value=check.value, rows=rows, sample=sample))
    return repaired


# --- Fast counters and calendar summaries --------------------------------------------------------


def _days_of(field: str = "pk") -> "QuerySet[Day, Any]":
    return Day.objects.filter(fast=OuterRef(field)).order_by().values("fast")


def _fasts_recounted() -> QuerySet[Fast]:
    members = (
        Membership.objects.filter(fast=OuterRef("pk"))
        .order_by()
        .values("fast")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Fast.objects.annotate(
        true_participants=Coalesce(Subquery(members), Value(0)),
        true_first=Subquery(_days_of().annotate(v=Min("date")).values("v")),
        true_last=Subquery(_days_of().annotate(v=Max("date")).values("v")),
        true_count=Coalesce(Subquery(_days_of().annotate(v=Count("pk")).values("v")), Value(0)),
        true_year=Subquery(_days_of().annotate(v=ExtractYear(Min("date"))).values("v")),
    )


def _drifted_fasts(stored: tuple[str, ...], true: tuple[str, ...]) -> list[int]:
    # Compared in Python: a NULL summary (no days) must equal a NULL recount.
    rows = _fasts_recounted().order_by("pk").values_list("pk", *stored, *true)
    width = len(stored)
    return [row[0] for row in rows if row[1 : 1 + width] != row[1 + width :]]


_COUNT_FIELDS = (("participant_count",), ("true_participants",))
_SUMMARY_FIELDS = (
    ("first_day", "last_day", "day_count", "year"),
    ("true_first", "true_last", "true_count", "true_year"),
)


def _find_fasts(fields: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[int, tuple[int, ...]]:
    ids = _drifted_fasts(*fields)
    return len(ids), tuple(ids[:SAMPLE_SIZE])


def _repair_fasts(fields: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
    ids = _drifted_fasts(*fields)
    recount = _fasts_recounted().filter(pk=OuterRef("pk"))
    Fast.objects.filter(pk__in=ids).update(
        **{stored: Subquery(recount.values(true)[:1]) for stored, true in zip(*fields, strict=True)}
    )
    _members_bump(Q(fast_id__in=ids))


# --- The per-member day index ---------------------------------------------------------------


def _missing_member_days() -> QuerySet[Day]:
    """(day, member) pairs with no index row: days joined to their fast's memberships."""
    indexed = MemberDay.objects.filter(
        profile_id=OuterRef("fast__memberships__profile_id"),
        day_id=OuterRef("pk"),
        fast_id=OuterRef("fast_id"),
        date=OuterRef("date"),
    )
    return Day.objects.filter(fast__memberships__isnull=False).filter(~Exists(indexed))


def _extra_member_days() -> QuerySet[MemberDay]:
    """Index rows with no membership behind them, or that disagree with their day."""
    member = Membership.objects.filter(
        profile_id=OuterRef("profile_id"), fast_id=OuterRef("fast_id")
    )
    day = Day.objects.filter(
        pk=OuterRef("day_id"), fast_id=OuterRef("fast_id"), date=OuterRef("date")
    )
    return MemberDay.objects.filter(~Exists(member) | ~Exists(day))


def _find_member_days() -> tuple[int, tuple[int, ...]]:
    missing = _missing_member_days()
    extra = _extra_member_days()
    profiles = list(missing.values_list("fast__memberships__profile_id", flat=True)[:SAMPLE_SIZE])
    profiles += list(extra.values_list("profile_id", flat=True)[:SAMPLE_SIZE])
    return missing.count() + extra.count(), tuple(sorted(set(profiles))[:SAMPLE_SIZE])


def _repair_member_days() -> None:
    profiles = set(_missing_member_days().values_list("fast__memberships__profile_id", flat=True))
    profiles |= set(_extra_member_days().values_list("profile_id", flat=True))
    _extra_member_days().delete()
    # INSERT ... SELECT of the missing rows: set-based, nothing loaded into Python. Table names
    # come from the models; there are no values in the statement.
    member_day, day, membership = (
        MemberDay._meta.db_table,
        Day._meta.db_table,
        Membership._meta.db_table,
    )
    sql = (
        f"INSERT INTO {member_day} (profile_id, day_id, fast_id, date) "  # noqa: S608
        f"SELECT m.profile_id, d.id, d.fast_id, d.date FROM {day} d "
        f"JOIN {membership} m ON m.fast_id = d.fast_id WHERE NOT EXISTS ("
        f"SELECT 1 FROM {member_day} x WHERE x.profile_id = m.profile_id AND x.day_id = d.id)"
    )
    with connections[router.db_for_write(MemberDay)].cursor() as cursor:
        cursor.execute(sql)
    Profile.objects.filter(pk__in=profiles).update(cache_version=F("cache_version") + 1)


# --- Copies of other rows' columns ---------------------------------------------------------------


def _member_since_drifted() -> QuerySet[Membership]:
    return Membership.objects.exclude(member_since=F("profile__user__date_joined"))


def _repair_member_since() -> None:
    joined = User.objects.filter(profile=OuterRef("profile_id")).values("date_joined")[:1]
    ids = list(_member_since_drifted().values_list("pk", flat=True))
    Membership.objects.filter(pk__in=ids).update(member_since=Subquery(joined))


def _day_church_drifted() -> QuerySet[Day]:
    return Day.objects.filter(fast__isnull=False).exclude(church_id=F("fast__church_id"))


def _repair_day_church() -> None:
    church = Fast.objects.filter(pk=OuterRef("fast_id")).values("church_id")[:1]
    ids = list(_day_church_drifted().values_list("pk", flat=True))
    Day.objects.filter(pk__in=ids).update(church_id=Subquery(church))


def _members_bump(memberships: Q) -> None:
    members = Membership.objects.filter(memberships).values("profile_id")
    Profile.objects.filter(pk__in=members).update(cache_version=F("cache_version") + 1)


def _find_queryset(
    queryset: Callable[[], QuerySet[Membership] | QuerySet[Day]],
) -> Callable[[], tuple[int, tuple[int, ...]]]:
    def find() -> tuple[int, tuple[int, ...]]:
        rows = queryset()
        return rows.count(), tuple(rows.order_by("pk").values_list("pk", flat=True)[:SAMPLE_SIZE])

    return find


_CHECKS = (
    _Check(
        "Day.church (a day is in its fast's church)",
        _find_queryset(_day_church_drifted),
        _repair_day_church,
    ),
    _Check(
        "Fast.participant_count",
        lambda: _find_fasts(_COUNT_FIELDS),
        lambda: _repair_fasts(_COUNT_FIELDS),
    ),
    _Check(
        "Fast calendar summary (first_day, last_day, day_count, year)",
        lambda: _find_fasts(_SUMMARY_FIELDS),
        lambda: _repair_fasts(_SUMMARY_FIELDS),
    ),
    _Check(
        "Membership.member_since (the member's date_joined)",
        _find_queryset(_member_since_drifted),
        _repair_member_since,
    ),
    _Check("MemberDay (memberships x days)", _find_member_days, _repair_member_days),
)
