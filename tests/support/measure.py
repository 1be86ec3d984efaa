"""Sending one catalogue request with its query count, statements compiled, cache operations
and memory peak."""

import tracemalloc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models.sql import compiler as sql_compiler
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.support.auth import client_for
from tests.support.calls import Call
from tests.support.worlds import World

CACHE_OPERATIONS = ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr")


@dataclass
class Measured:
    response: Any  # the test client's response (with .json())
    queries: int
    sql: list[str]
    cache_ops: Counter[str]
    peak_bytes: int
    compiles: int  # SQL statements the ORM built and compiled during the request


@contextmanager
def counting_cache_operations() -> Iterator[Counter[str]]:
    """Count calls to the default cache's operations (whatever the backend)."""
    counts: Counter[str] = Counter()
    backend = cache._connections[cache._alias]  # type: ignore[attr-defined]
    originals = {name: getattr(backend, name) for name in CACHE_OPERATIONS}

    def wrap(name: str):
        def counted(*args, **kwargs):
            counts[name] += 1
            return originals[name](*args, **kwargs)

        return counted

    for name in CACHE_OPERATIONS:
        setattr(backend, name, wrap(name))
    try:
        yield counts
    finally:
        for name in CACHE_OPERATIONS:
            delattr(backend, name)


COMPILERS = (
    sql_compiler.SQLCompiler,
    sql_compiler.SQLInsertCompiler,
    sql_compiler.SQLUpdateCompiler,
    sql_compiler.SQLDeleteCompiler,
    sql_compiler.SQLAggregateCompiler,
)


@contextmanager
def counting_compilations() -> Iterator[list[str]]:
    """Record every ORM compilation (``as_sql`` of each compiler class) inside the block."""
    compiled: list[str] = []
    originals = {cls: cls.__dict__["as_sql"] for cls in COMPILERS}

    def wrap(cls: type, original):
        def counted(self, *args, **kwargs):
            if type(self).as_sql is counted:  # a subclass's call through super() counts once
                compiled.append(type(self).__name__)
            return original(self, *args, **kwargs)

        return counted

    for cls, original in originals.items():
        cls.as_sql = wrap(cls, original)  # type: ignore[method-assign]
    try:
        yield compiled
    finally:
        for cls, original in originals.items():
            cls.as_sql = original  # type: ignore[method-assign]


def client_for_call(world: World, call: Call) -> APIClient:
    return client_for(world.user) if call.authenticated else APIClient()


def send(world: World, call: Call, *, cold: bool = True, trace_memory: bool = False) -> Measured:
    client = client_for_call(world, call)
    if cold:
        cache.clear()
    kwargs = {"format": call.format} if call.format else {}
    if trace_memory:
        tracemalloc.start()
        tracemalloc.reset_peak()
    try:
        with (
            CaptureQueriesContext(connection) as queries,
            counting_cache_operations() as ops,
            counting_compilations() as compiled,
        ):
            response = getattr(client, call.method)(call.path, call.data, **kwargs, **call.extra)
            response.content  # noqa: B018  (render inside the measured window)
        peak = tracemalloc.get_traced_memory()[1] if trace_memory else 0
    finally:
        if trace_memory:
            tracemalloc.stop()
    return Measured(
        response=response,
        queries=len(queries),
        sql=[q["sql"] for q in queries.captured_queries],
        cache_ops=ops,
        peak_bytes=peak,
        compiles=len(compiled),
    )
