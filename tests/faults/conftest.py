"""A live Fasthub with its own Redis and PostgreSQL, for tests that break them on purpose.

Per pytest process (each xdist worker builds its own), built by ``tests/support/faults.py``.
"""

from collections.abc import Iterator

import pytest

from tests.support.faults import FaultStack, running_fault_stack
from tests.support.live import PostgresCluster, RedisServer, throwaway_postgres, throwaway_redis


@pytest.fixture(scope="session")
def fault_redis() -> Iterator[RedisServer]:
    with throwaway_redis() as server:
        yield server


@pytest.fixture(scope="session")
def fault_postgres() -> Iterator[PostgresCluster]:
    with throwaway_postgres(database="fasthub_faults") as cluster:
        yield cluster


@pytest.fixture(scope="session")
def fault_stack(fault_redis: RedisServer, fault_postgres: PostgresCluster) -> Iterator[FaultStack]:
    with running_fault_stack(fault_redis, fault_postgres) as built:
        yield built
