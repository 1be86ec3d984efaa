"""Reads from a PostgreSQL read replica, without ever showing a caller stale data of their own.

Off unless ``DATABASE_REPLICA_URL`` is set; then settings add the ``replica`` alias, this router
and ``ReplicaPinMiddleware``. Writes always go to the primary (``default``). A read goes to the
replica unless one of these holds, in which case it goes to the primary:

* it runs inside a transaction on the primary (a service reading what it is about to change);
* the request itself is a write (unsafe HTTP method): every read of that request, before and
  after its writes, sees the primary;
* the caller wrote within the last ``REPLICA_PIN_SECONDS`` (read-your-writes: the replica may
  not have replayed the caller's join yet). The pin lives in the shared cache under the user id,
  so it holds across app servers;
* the caller's access token was issued within the last ``REPLICA_PIN_SECONDS`` (it comes from a
  register, login or refresh that just wrote, e.g. the new user row);
* the request is for the staff admin (low volume; it edits what it just read).

Other callers' reads go to the replica even while someone else is pinned: they accept the
replica's small lag, which every cache key already tolerates (versions are read with the data).

A replica that does not answer, or lags too far behind, is skipped: reads go to the primary
until it is back (``ReplicaHealth``). Checking costs no statement in the common case: the lag
is measured at most every ``REPLICA_CHECK_SECONDS`` per process, and the connection is tried
where Django would open or health-check it anyway, before the request's first replica read.
"""

import contextvars
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# True while the current request must read from the primary. Context-local, so each gthread
# thread (and each asyncio task) has its own value.
use_primary: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_use_primary", default=False
)


def replica_pin_key(*, user_id: Any) -> str:
    return f"replica-pin:{user_id}"


def replica_pin_seconds() -> int:
    return int(settings.REPLICA_PIN_SECONDS)


def replica_check_seconds() -> float:
    return float(settings.REPLICA_CHECK_SECONDS)


def replica_max_lag_seconds() -> float:
    return float(settings.REPLICA_MAX_LAG_SECONDS)


# The primary's WAL position, and where the replica stands, as byte offsets (pg_lsn - '0/0').
PRIMARY_POSITION_SQL = "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"
REPLICA_POSITION_SQL = (
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() - '0/0'::pg_lsn,"
    " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
)


def _fetch_one(alias: str, sql: str) -> tuple[Any, ...]:
    """One row through the driver's own cursor, as Django's connection health check does: a
    probe of the server, not a statement of the request (no query meter, no debug log)."""
    wrapper = connections[alias]
    wrapper.close_if_health_check_failed()
    wrapper.ensure_connection()
    with wrapper.wrap_database_errors, wrapper.connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


class ReplicaHealth:
    """Whether this process may read from the replica now. One instance per process.

    **Down.** Before a request's first replica read, the router makes sure this thread's replica
    connection is open and healthy, which Django does anyway before the first statement
    (``CONN_HEALTH_CHECKS``), so it costs nothing more. When that fails (refused, timed out, or
    a persistent connection broken by a restart), the read goes to the primary and the replica
    is skipped by every thread of the process for ``REPLICA_CHECK_SECONDS``; then the next read
    tries it again. A replica that fails between that check and a statement fails the request
    (503) like any database error; the next request skips it.

    **Lag.** At most every ``REPLICA_CHECK_SECONDS``, the first read that finds the check due
    (one thread; the others keep the last answer) asks the primary for its WAL position and the
    replica how far it has replayed: one short statement on each, through the driver so no
    request's budget pays for it. The lag is how long ago the primary had written WAL that the
    replica has still not replayed: positions the replica lacked at earlier checks are kept
    with their time (``_unreplayed``), so an idle primary never looks like a lagging replica,
    and while checks follow each other the estimate falls short of the real lag by at most
    about two check intervals. Without a recent check (process start, back from an outage, or
    no replica read for a while) a replica that is behind is judged by the age of its newest
    replayed commit instead, which can only overstate the lag. Over ``REPLICA_MAX_LAG_SECONDS``,
    reads go to the primary until a check finds the replica close again.

    A replica alias that is not PostgreSQL, or a server that is not in recovery (the primary
    itself, as a test mirror), has no lag to measure and is used whenever it answers.
    """

    MAX_UNREPLAYED = 64  # positions kept while the replica is behind; dropping one keeps the
    # estimate a lower bound of the real lag

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget everything: the next read checks the replica first."""
        self.state = "unchecked"  # "ok", "lagging", "down"
        self.usable = False
        self.lag: float | None = None
        self.checked_at: float | None = None
        self._next_check = -math.inf
        self._unreplayed: deque[tuple[float, int]] = deque()

    def ready(self) -> bool:
        """True when this read may go to the replica; checks it first when a check is due."""
        now = time.monotonic()
        if now >= self._next_check and self._lock.acquire(blocking=False):
            try:
                if now >= self._next_check:
                    self._check(now)
            finally:
                self._lock.release()
        return self.usable and self._connection_usable()

    def _connection_usable(self) -> bool:
        replica = connections[REPLICA]
        try:
            # What Django does before a statement; once per request, then free.
            replica.close_if_health_check_failed()
            replica.ensure_connection()
        except DatabaseError as exc:
            self.mark_down(exc)
            return False
        return True

    def mark_down(self, exc: BaseException) -> None:
        self._next_check = time.monotonic() + replica_check_seconds()
        self._unreplayed = deque()
        self.checked_at = None
        self._set("down", None, reason=type(exc).__name__)

    def _check(self, now: float) -> None:
        self._next_check = now + replica_check_seconds()
        if connections[REPLICA].vendor != "postgresql":
            self._set("ok", None)
            return
        try:
            (primary_position,) = _fetch_one(PRIMARY, PRIMARY_POSITION_SQL)
        except DatabaseError:
            return  # the primary's trouble is the request's to report; keep the last answer
        try:
            in_recovery, replayed, replay_age = _fetch_one(REPLICA, REPLICA_POSITION_SQL)
        except DatabaseError as exc:
            self.mark_down(exc)
            return
        self.record(
            now,
            primary_position=int(primary_position),
            in_recovery=bool(in_recovery),
            replayed=None if replayed is None else int(replayed),
            replay_age=None if replay_age is None else float(replay_age),
        )

    def record(
        self,
        now: float,
        *,
        primary_position: int,
        in_recovery: bool,
        replayed: int | None,
        replay_age: float | None,
    ) -> None:
        """Update the lag from one check: the primary's WAL position read first, then the
        replica's replayed position and the age of its newest replayed commit (seconds)."""
        previous = self.checked_at
        recent = previous is not None and now - previous <= 2 * replica_check_seconds()
        self.checked_at = now
        lag: float | None
        if not in_recovery or replayed is None:
            self._unreplayed.clear()
            lag = 0.0
        else:
            unreplayed = self._unreplayed
            while unreplayed and unreplayed[0][1] <= replayed:
                unreplayed.popleft()
            behind = primary_position > replayed
            if behind and (not unreplayed or primary_position > unreplayed[-1][1]):
                unreplayed.append((now, primary_position))
                if len(unreplayed) > self.MAX_UNREPLAYED:
                    del unreplayed[1]
            lag = now - unreplayed[0][0] if unreplayed else 0.0
            if behind and not recent:
                # No recent check says since when it lacks this: trust its own clock.
                lag = None if replay_age is None else max(lag, replay_age)
        within = lag is not None and lag <= replica_max_lag_seconds()
        self._set("ok" if within else "lagging", lag)

    def _set(self, state: str, lag: float | None, *, reason: str = "") -> None:
        previous, self.state, self.lag, self.usable = self.state, state, lag, state == "ok"
        if state == previous:
            return
        if state == "down":
            logger.warning("read replica unreachable (%s): reading from the primary", reason)
        elif state == "lagging":
            shown = "unknown" if lag is None else f"{lag:.1f} s"
            logger.warning(
                "read replica lag %s exceeds %s s: reading from the primary",
                shown,
                f"{replica_max_lag_seconds():g}",
            )
        elif previous != "unchecked":
            logger.info("read replica usable again")


replica_health = ReplicaHealth()


class PrimaryReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if REPLICA not in connections.settings:
            return PRIMARY
        if use_primary.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA if replica_health.ready() else PRIMARY

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # Both aliases hold the same rows (the replica is a copy of the primary).
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica receives schema changes through replication, never through migrate.
        return db == PRIMARY


def _validated_access_token(request: HttpRequest) -> Token | None:
    """The request's access token when it is valid, else None. No database query."""
    authentication = JWTAuthentication()
    header = authentication.get_header(request)  # type: ignore[arg-type]
    raw = authentication.get_raw_token(header) if header is not None else None
    if raw is None:
        return None
    try:
        return authentication.get_validated_token(raw)
    except (InvalidToken, TokenError):  # answered 401 later by the view
        return None


class ReplicaPinMiddleware:
    """Decides, per request, whether reads may use the replica; pins writers to the primary.

    Cost: one signature check and one cache read per request with a valid access token, one
    cache write per write request by an authenticated caller. No database query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writing = request.method in UNSAFE_METHODS
        token = None if writing else _validated_access_token(request)
        primary = writing or request.path.startswith("/admin/") or self._pinned(token)
        context = use_primary.set(primary)
        try:
            response = self.get_response(request)
        finally:
            use_primary.reset(context)
        if writing:
            self._pin(request)
        return response

    @staticmethod
    def _pinned(token: Token | None) -> bool:
        if token is None:
            return False
        # A token issued moments ago follows a write too (register, login, refresh): the new
        # user row or rotated token may not have reached the replica yet.
        issued_at = token.get("iat")
        if isinstance(issued_at, int | float) and time.time() - issued_at < replica_pin_seconds():
            return True
        user_id = token.get(api_settings.USER_ID_CLAIM)
        return user_id is not None and cache.get(replica_pin_key(user_id=user_id)) is not None

    @staticmethod
    def _pin(request: HttpRequest) -> None:
        # DRF puts the authenticated user on the underlying request; a lazy session user
        # (SimpleLazyObject) is left unevaluated, because evaluating it costs a query.
        user = request.__dict__.get("user")
        if isinstance(type(user), type) and issubclass(type(user), AbstractBaseUser):
            user_id: Any = user.pk  # type: ignore[union-attr]
        else:
            token = _validated_access_token(request)
            user_id = token.get(api_settings.USER_ID_CLAIM) if token is not None else None
        if user_id is not None:
            cache.set(replica_pin_key(user_id=user_id), 1, timeout=replica_pin_seconds())
