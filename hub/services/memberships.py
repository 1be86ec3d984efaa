"""Joining and leaving fasts.

A join inserts the membership row and a leave deletes it; everything that follows from the row
(the fast's ``participant_count``, the member's ``member_since`` and day index rows, the cache
versions of the member and of the fast's church) is written by the database's triggers in the
same statement (migration 0004), so it is exact whatever writes memberships: these services,
Django's M2M managers, ``bulk_create``, the admin or raw SQL.

Lock order is the triggers' one: the membership row, then the fast row, its church, the
member's profile. Joins and leaves of one fast by many users queue on the fast row; a deadlock
or serialization failure (another writer broke the order) is retried once, then reported as
``WriteConflict``.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from hub.models import Fast, Membership, Profile
from hub.services.transactions import atomic_with_retry, integrity_violation


class MembershipError(Exception):
    """Base of the errors a join or leave reports to its caller."""


class FastNotFound(MembershipError):
    pass


class AlreadyJoined(MembershipError):
    pass


class NotJoined(MembershipError):
    pass


def fast_join(*, profile: Profile, fast_id: int) -> None:
    """Join: an existence check and one INSERT, in one transaction (retried once on a
    deadlock). ``FastNotFound`` or ``AlreadyJoined`` when it cannot be done."""

    def join() -> None:
        if not Fast.objects.filter(pk=fast_id).exists():
            raise FastNotFound
        Membership.objects.create(profile=profile, fast_id=fast_id)

    try:
        atomic_with_retry(join)
    except IntegrityError as exc:
        # The fast can vanish between the check and the commit (its foreign key is checked at
        # commit); otherwise the unique (profile, fast) insert lost to an earlier join.
        if integrity_violation(exc) == "foreign_key":
            raise FastNotFound from None
        raise AlreadyJoined from None


def fast_leave(*, profile: Profile, fast_id: int) -> None:
    """Leave: one DELETE (plus an existence check only when nothing was deleted)."""

    def leave() -> int:
        deleted, _ = Membership.objects.filter(profile=profile, fast_id=fast_id).delete()
        return deleted

    if atomic_with_retry(leave):
        return
    if Fast.objects.filter(pk=fast_id).exists():
        raise NotJoined
    raise FastNotFound


def memberships_bulk_join(*, pairs: Iterable[tuple[int, int]], batch_size: int = 2000) -> int:
    """Join many (profile id, fast id) pairs at once (demo data, benchmarks, load seeds).

    Set-based: one INSERT per batch, pairs already joined are skipped; the triggers keep every
    counter, day index row and cache version exact. Returns the number of pairs given.
    """
    rows = [Membership(profile_id=profile_id, fast_id=fast_id) for profile_id, fast_id in pairs]
    with transaction.atomic():
        Membership.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    return len(rows)
