"""Transactions that meet other writers: retry once on a deadlock, name what went wrong.

Every write path takes its locks in one order (the triggers' order, migration 0004), so
deadlocks should not happen; a writer from outside (a shell, a data migration) can still break
the order, and PostgreSQL then cancels one of the two transactions. That transaction is retried
once; if it fails again the caller gets ``WriteConflict``, which the API answers as a 409 (never
as "database unavailable").
"""

from collections.abc import Callable
from typing import Literal, TypeVar

from django.db import IntegrityError, OperationalError, router, transaction
from django.db.models import Model

T = TypeVar("T")

# PostgreSQL: deadlock_detected, serialization_failure, lock_not_available.
CONFLICT_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
# SQLite serialises writers; a writer that waited its whole timeout reports a locked database.
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked")


class WriteConflict(Exception):
    """A concurrent transaction won twice; the request may be sent again."""


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error (PostgreSQL), from the driver's exception."""
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) if cause is not None else None


def is_write_conflict(exc: BaseException) -> bool:
    """A deadlock, serialization failure or lock wait that gave up: retryable, not an outage."""
    if not isinstance(exc, OperationalError):
        return False
    if sqlstate(exc) in CONFLICT_SQLSTATES:
        return True
    message = str(exc).lower()
    return any(busy in message for busy in SQLITE_BUSY_MESSAGES)


def integrity_violation(exc: IntegrityError) -> Literal["unique", "foreign_key", "other"]:
    """Which kind of constraint an ``IntegrityError`` broke (PostgreSQL and SQLite)."""
    state = sqlstate(exc)
    message = str(exc).upper()
    if state == "23505" or "UNIQUE CONSTRAINT" in message:
        return "unique"
    if state == "23503" or "FOREIGN KEY CONSTRAINT" in message:
        return "foreign_key"
    return "other"


def atomic_with_retry(work: Callable[[], T], *, attempts: int = 2) -> T:
    """Run ``work`` in a transaction (a savepoint inside an outer one), retrying a write
    conflict; ``WriteConflict`` after the last attempt."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as exc:
            if not is_write_conflict(exc):
                raise
            if attempt == attempts:
                raise WriteConflict from exc
    raise AssertionError("unreachable")  # pragma: no cover


def write_alias(model: type[Model]) -> str:
    """The database alias writes to ``model`` go to (reads that must not lag use it too)."""
    return router.db_for_write(model) or "default"
