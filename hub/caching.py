"""What is cached, what each cached representation depends on, and what keeps it fresh.

Every representation a response shows is declared below (``REPRESENTATIONS``): the endpoints
that show it, the model columns it depends on, and the version its cache key carries. Views ask
a representation for its value (``get_or_compute``, ``get``, ``put``) and never build keys.

Keys carry a *version stored in the database*: ``Church.cache_version`` for what every caller
of a church sees (its fast list, its fasts' detail), ``Profile.cache_version`` for one user's
own data (the fasts they joined, their stats). The database bumps these versions itself, in the
statement that changes a column listed here (triggers, migration 0004): whatever writes the row
(an API service, the admin, a shell, a bulk or raw statement), the change commits with new keys
and a rolled-back change produces none. No pattern deletes, no KEYS/SCAN, and the versions cost
no query: the caller's profile and church arrive with authentication, and an anonymous caller's
church row is read anyway to validate ``church_id``.

Shared data (a fast without ``joined``) goes under a church key, per-user data under the user's
own profile key, so one user's data is never served to another. Representations with no version
are never cached; they are listed because responses show them too, and the freshness test
(tests/performance/test_freshness.py) changes every column listed here and checks every endpoint
named here shows the new value at once.

Concurrent misses on one key do not stampede the database: the first caller takes a short lock
with ``cache.add`` and computes; the others wait briefly for its value. If the cache is down
(Redis unreachable: django-redis answers a miss), every request computes from the database.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

LOCK_SECONDS = 5
WAIT_SECONDS = 1.0
WAIT_STEP = 0.02

# Columns of a fast that its representation shows (directly or through stored values).
FAST_COLUMNS = (
    "Fast.name",
    "Fast.church",
    "Fast.description",
    "Fast.culmination_feast",
    "Fast.culmination_feast_date",
    "Fast.image",
    "Fast.url",
)
# Rows whose insertion, deletion or change the stored values follow (``Model.*``). A deleted
# account takes its memberships along (cascade), so it counts as its own dependency.
DAYS = "Day.*"
MEMBERSHIPS = "Membership.*"
ACCOUNTS = "User.*"


class VersionOwner(Protocol):
    """A church or a profile: what a versioned key belongs to."""

    pk: Any
    cache_version: int


@dataclass(frozen=True)
class Representation:
    """Something responses show, and how (or whether) it is cached."""

    name: str
    endpoints: tuple[str, ...]  # URL names whose responses show it
    depends_on: tuple[str, ...]  # "Model.column", or "Model.*" for its rows
    version: Literal["church", "profile"] | None  # None: never cached, read fresh

    def key(self, *, owner: VersionOwner, parts: tuple[object, ...] = ()) -> str:
        if self.version is None:
            raise TypeError(f"{self.name} is never cached")
        return ":".join(str(part) for part in (self.name, owner.pk, owner.cache_version, *parts))

    def get(self, *, owner: VersionOwner, parts: tuple[object, ...] = ()) -> Any:
        """The cached value, or None (a miss, or the cache is down). 1 cache operation."""
        return cache.get(self.key(owner=owner, parts=parts))

    def put(self, value: object, *, owner: VersionOwner, parts: tuple[object, ...] = ()) -> None:
        cache.set(self.key(owner=owner, parts=parts), value, timeout=settings.CACHE_TTL)

    def get_or_compute(
        self, compute: Callable[[], T], *, owner: VersionOwner, parts: tuple[object, ...] = ()
    ) -> T:
        """The cached value, computed at most once at a time when missing.

        Cache operations: 1 on a hit; 3 on a miss (get, add lock, set).
        """
        key = self.key(owner=owner, parts=parts)
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


# A church's fasts in a date range, without the caller's ``joined``.
FAST_LIST = Representation(
    name="fastlist",
    endpoints=("fast-list",),
    depends_on=("Church.name", *FAST_COLUMNS, DAYS, MEMBERSHIPS, ACCOUNTS),
    version="church",
)
# One fast, for callers of its church, without ``joined``.
FAST_DETAIL = Representation(
    name="fast",
    endpoints=("fast-detail",),
    depends_on=("Church.name", *FAST_COLUMNS, DAYS, MEMBERSHIPS, ACCOUNTS),
    version="church",
)
# The ids of the fasts a profile joined (``joined`` of the list and the detail).
JOINED_FASTS = Representation(
    name="joined",
    endpoints=("fast-list", "fast-detail"),
    depends_on=(MEMBERSHIPS,),
    version="profile",
)
# A profile's totals.
STATS = Representation(
    name="stats",
    endpoints=("fast-stats",),
    depends_on=(DAYS, MEMBERSHIPS),
    version="profile",
)
# Never cached: the Fast read by date, by feast date and by the legacy endpoints, participants,
# days, the caller's own profile.
FASTS_ON_DATES = Representation(
    name="fasts-on-dates",
    endpoints=("fast-by-date", "fast-by-feast-date", "fast_on_date", "fast_on_date_user"),
    depends_on=("Church.name", *FAST_COLUMNS, DAYS, MEMBERSHIPS, ACCOUNTS),
    version=None,
)
PARTICIPANTS = Representation(
    name="participants",
    endpoints=("fast-participants", "fast-participants-paginated"),
    depends_on=(
        "Profile.name",
        "Profile.profile_image",
        "Profile.location",
        "User.email",
        "User.date_joined",
        MEMBERSHIPS,
        ACCOUNTS,
    ),
    version=None,
)
FAST_DAYS = Representation(
    name="fast-days", endpoints=("fast-days-list",), depends_on=(DAYS,), version=None
)
MY_DAYS = Representation(
    name="my-days", endpoints=("user-days",), depends_on=(DAYS, MEMBERSHIPS), version=None
)
PROFILE = Representation(
    name="profile",
    endpoints=("profile-detail",),
    depends_on=(
        "Profile.name",
        "Profile.profile_image",
        "Profile.location",
        "Profile.church",
        "Profile.timezone",
        "User.email",
    ),
    version=None,
)

REPRESENTATIONS = (
    FAST_LIST,
    FAST_DETAIL,
    JOINED_FASTS,
    STATS,
    FASTS_ON_DATES,
    PARTICIPANTS,
    FAST_DAYS,
    MY_DAYS,
    PROFILE,
)

# Which writes bump each version (kept by the database, migration 0004), for the docs and the
# freshness test: a version is bumped in the statement that changes any of these.
VERSION_BUMPED_BY = {
    "church": ("Church.name", *FAST_COLUMNS, DAYS, MEMBERSHIPS, ACCOUNTS),
    "profile": (DAYS, MEMBERSHIPS),
}
