"""Keeping the per-member day index (``MemberDay``) equal to memberships x days.

Written in the same transaction as what changes it: a join adds the fast's days for the member
(one INSERT ... SELECT), a leave removes them (one DELETE), a day created, moved or re-dated
re-derives its own rows from the fast's members (signals in hub.signals, so admin and shell
edits are covered). Deleting a day, fast or profile cascades. Bulk writers that add days to a
fast that already has members call ``member_days_rebuild`` (as does the command of that name).
"""

from collections.abc import Iterable

from django.db import connections, router

from hub.models import Day, MemberDay, Membership

# Table names come from the models, never from input; every value is a query parameter.
_MEMBER_DAY, _DAY, _MEMBERSHIP = (
    MemberDay._meta.db_table,
    Day._meta.db_table,
    Membership._meta.db_table,
)
_INSERT = f"INSERT INTO {_MEMBER_DAY} (profile_id, day_id, fast_id, date) "
_ADD_MEMBER = _INSERT + f"SELECT %s, id, fast_id, date FROM {_DAY} WHERE fast_id = %s"  # noqa: S608
_MEMBERS_DAYS = (
    f"SELECT m.profile_id, d.id, d.fast_id, d.date FROM {_DAY} d "  # noqa: S608
    f"JOIN {_MEMBERSHIP} m ON m.fast_id = d.fast_id"
)


def _execute(sql: str, params: list[int]) -> int:
    with connections[router.db_for_write(MemberDay)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def member_days_add(*, profile_id: int, fast_id: int) -> None:
    """A new member keeps every day of the fast (one statement)."""
    _execute(_ADD_MEMBER, [profile_id, fast_id])


def member_days_remove(*, profile_id: int, fast_id: int) -> None:
    """A member who leaves no longer keeps the fast's days (one statement)."""
    MemberDay.objects.filter(profile_id=profile_id, fast_id=fast_id).delete()


def member_days_sync_day(*, day_id: int) -> None:
    """A day was created, moved to another fast or re-dated: its rows follow (two statements)."""
    MemberDay.objects.filter(day_id=day_id).delete()
    _execute(_INSERT + _MEMBERS_DAYS + " WHERE d.id = %s", [day_id])


def member_days_rebuild(*, fast_ids: Iterable[int] | None = None) -> int:
    """Recompute the rows of the given fasts (every fast when None); returns rows written."""
    if fast_ids is None:
        MemberDay.objects.all().delete()
        return _execute(_INSERT + _MEMBERS_DAYS, [])
    ids = sorted(set(fast_ids))
    if not ids:
        return 0
    MemberDay.objects.filter(fast_id__in=ids).delete()
    placeholders = ", ".join(["%s"] * len(ids))
    return _execute(_INSERT + _MEMBERS_DAYS + f" WHERE d.fast_id IN ({placeholders})", ids)
