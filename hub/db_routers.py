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
"""

import contextvars
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

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
    return int(getattr(settings, "REPLICA_PIN_SECONDS", 10))


class PrimaryReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if REPLICA not in connections.settings:
            return PRIMARY
        if use_primary.get() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

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
