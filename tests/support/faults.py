"""The live stack the fault tests break on purpose.

A throwaway Redis and PostgreSQL cluster (``tests/support/live.py``), a migrated database seeded
by ``tests/faults/seed.py``, and gunicorn with the production settings pointing at them. The
outer run's DATABASE_URL and REDIS_URL are never used, and the shared servers are never touched.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.live import (
    PostgresCluster,
    RedisServer,
    Seeded,
    migrate,
    run_seed,
    server_env,
    start_gunicorn,
)

START_TIMEOUT = 30.0


@dataclass
class FaultStack(Seeded):
    postgres: PostgresCluster

    def user(self, name: str) -> dict[str, Any]:
        return dict(self.seed["users"][f"{name}@faults.example.org"])

    def login(self, name: str) -> str:
        return self.server.login(f"{name}@faults.example.org", self.seed["password"])


@contextmanager
def running_fault_stack(redis: RedisServer, postgres: PostgresCluster) -> Iterator[FaultStack]:
    """gunicorn on ``redis`` and ``postgres``, migrated and seeded; stopped and removed on exit."""
    workdir = Path(tempfile.mkdtemp(prefix="fasthub-fault-server-"))
    env = server_env(workdir, database_url=postgres.url, redis_url=redis.url)
    try:
        migrate(env)
        seed = run_seed(env, "tests.faults.seed")
        with start_gunicorn(env, workdir, timeout=START_TIMEOUT) as server:
            yield FaultStack(server=server, redis=redis, postgres=postgres, seed=seed)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
