"""A django-redis client that stops waiting on a Redis that does not answer.

django-redis already turns a Redis error into a cache miss (``IGNORE_EXCEPTIONS``), so a
request falls back to the database. But a Redis that hangs, rather than refusing connections,
makes every cache operation wait for its socket timeout: six operations on a cold fast list
add about 1.5 s. After a failure this client opens a circuit for ``CIRCUIT_SECONDS``: every
operation in this process fails at once (a miss, a dropped write) without touching the network,
then one operation probes Redis again. Cached values stay correct throughout: keys are
versioned from the database, so a write that was dropped can only cost a later miss.
"""

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)

CIRCUIT_SECONDS = 5.0


class _Circuit:
    def __init__(self) -> None:
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self, error: BaseException) -> None:
        with self._lock:
            if not self.is_open():
                logger.warning(
                    "cache unreachable, serving from the database for %.0f s: %s",
                    CIRCUIT_SECONDS,
                    error.__cause__ or error,
                )
            self._open_until = time.monotonic() + CIRCUIT_SECONDS

    def close(self) -> None:
        self._open_until = 0.0


circuit = _Circuit()


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: DefaultClient, *args: Any, **kwargs: Any) -> Any:
        if circuit.is_open():
            raise ConnectionInterrupted(connection=None)
        try:
            return method(self, *args, **kwargs)
        except ConnectionInterrupted as error:
            circuit.trip(error)
            raise

    return call


class CircuitBreakerClient(DefaultClient):
    """``DefaultClient`` whose cache operations fail fast while the circuit is open."""


for _name in (
    "get",
    "set",
    "add",
    "delete",
    "get_many",
    "set_many",
    "delete_many",
    "incr",
    "decr",
    "has_key",
    "touch",
    "expire",
    "ttl",
    "clear",
):
    setattr(CircuitBreakerClient, _name, _guarded(getattr(DefaultClient, _name)))
