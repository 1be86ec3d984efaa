"""Response caching that is never stale and never crosses users.

Keys are built from *versions stored in the database* (``Church.cache_version``,
``Profile.cache_version``), which are bumped in the same transaction as the change they
describe (join, leave, fast or day edit, account deletion). A committed change therefore
produces new keys at once, and a rolled-back one produces none; no pattern deletes, no
KEYS/SCAN. The versions themselves cost no query: the authenticated user's profile and church
arrive with authentication, and an anonymous caller's church row is read anyway to validate
``church_id``.

Only shared data goes under a church key (the fast list without ``joined``); per-user data goes
under the user's own profile key.

Concurrent misses on one key do not stampede the database: the first caller takes a short lock
with ``cache.add`` and computes; the others wait briefly for its value. If the cache is down
(Redis unreachable: django-redis ignores the error and answers a miss), every request simply
computes from the database.
"""

import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, QuerySet

T = TypeVar("T")

LOCK_SECONDS = 5
WAIT_SECONDS = 1.0
WAIT_STEP = 0.02


def cached(key: str, compute: Callable[[], T]) -> T:
    """The cached value under ``key``, computed at most once at a time when missing.

    Cache operations: 1 on a hit; 3 on a miss (get, add lock, set).
    """
    value = cache.get(key)
    if value is not None:
        return value
    acquired = cache.add(f"lock:{key}", 1, timeout=LOCK_SECONDS)
    if acquired is False:  # someone else is computing it (None means the cache is down)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
            value = cache.get(key)
            if value is not None:
                return value
    value = compute()
    cache.set(key, value, timeout=settings.CACHE_TTL)
    return value


def cache_get(key: str) -> Any:
    """A plain read (1 operation); None on a miss or when the cache is down."""
    return cache.get(key)


def cache_set(key: str, value: object) -> None:
    cache.set(key, value, timeout=settings.CACHE_TTL)


# --- Keys ------------------------------------------------------------------------------------


def church_fast_list_key(
    *, church_id: int, version: int, start: str, end: str, today: str, base_url: str
) -> str:
    return f"fastlist:{church_id}:{version}:{start}:{end}:{today}:{base_url}"


def church_fast_key(
    *, church_id: int, version: int, fast_id: int, today: str, base_url: str
) -> str:
    return f"fast:{church_id}:{version}:{fast_id}:{today}:{base_url}"


def profile_stats_key(*, profile_id: int, version: int, today: str) -> str:
    return f"stats:{profile_id}:{version}:{today}"


def profile_joined_key(*, profile_id: int, version: int) -> str:
    return f"joined:{profile_id}:{version}"


# --- Invalidation (call inside the transaction that makes the change) ---------------------------


def churches_bump(*, church_ids: Iterable[int | None]) -> None:
    from hub.models import Church

    ids = {church_id for church_id in church_ids if church_id is not None}
    if ids:
        Church.objects.filter(pk__in=ids).update(cache_version=F("cache_version") + 1)


def churches_bump_for_fasts(*, fast_ids: "Iterable[int] | QuerySet[Any, Any]") -> None:
    """The churches of these fasts (ids, or a queryset of ids kept as a subquery): one statement."""
    from hub.models import Church

    ids = fast_ids if isinstance(fast_ids, QuerySet) else list(fast_ids)
    Church.objects.filter(fasts__in=ids).update(cache_version=F("cache_version") + 1)


def profiles_bump(*, profile_ids: Iterable[int]) -> None:
    from hub.models import Profile

    Profile.objects.filter(pk__in=list(profile_ids)).update(cache_version=F("cache_version") + 1)


def profiles_bump_for_fasts(*, fast_ids: Iterable[int]) -> None:
    """Members of these fasts see new stats (set-based: one statement)."""
    from hub.models import Membership, Profile

    members = Membership.objects.filter(fast_id__in=list(fast_ids)).values("profile_id")
    Profile.objects.filter(pk__in=members).update(cache_version=F("cache_version") + 1)
