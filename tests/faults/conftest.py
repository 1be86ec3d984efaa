"""A live Fasthub with its own Redis and PostgreSQL, for tests that break them on purpose.

Per pytest process (each xdist worker builds its own): a throwaway Redis and a throwaway
PostgreSQL cluster (initdb/pg_ctl in a temporary directory), both on free loopback ports, a
migrated and seeded database, and gunicorn with the production settings pointing at them. The
outer run's DATABASE_URL and REDIS_URL are never used, and the shared servers are never touched.
Every fixture stops what it started and removes its directory, also when setup fails halfway.
The servers themselves are the shared helpers of ``tests/support/live.py``.
"""

import json
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.live import (
    LiveServer,
    PostgresCluster,
    RedisServer,
    Reply,
    free_port,
    postgres_bin_dir,
    run_python,
    server_env,
    start_gunicorn,
)

__all__ = ["Reply", "Stack"]

SECRET_KEY = secrets.token_urlsafe(50)
START_TIMEOUT = 30.0


@pytest.fixture(scope="session")
def fault_redis() -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed: the fault tests need it on PATH")
    workdir = Path(tempfile.mkdtemp(prefix="fasthub-fault-redis-"))
    server = RedisServer(binary=binary, port=free_port(), log=workdir / "redis.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def fault_postgres() -> Iterator[PostgresCluster]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("initdb/pg_ctl are not installed: the fault tests need PostgreSQL binaries")
    workdir = Path(tempfile.mkdtemp(prefix="fasthub-fault-pg-"))
    cluster = PostgresCluster.in_new_directory(bin_dir, workdir, database="fasthub_faults")
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.stop_for_good()
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class Stack:
    server: LiveServer
    redis: RedisServer
    postgres: PostgresCluster
    seed: dict[str, Any]

    def fast_id(self, name: str) -> int:
        return int(self.seed["fasts"][name])

    def user(self, name: str) -> dict[str, Any]:
        return dict(self.seed["users"][f"{name}@faults.example.org"])

    def login(self, name: str) -> str:
        return self.server.login(f"{name}@faults.example.org", self.seed["password"])


@pytest.fixture(scope="session")
def fault_stack(fault_redis: RedisServer, fault_postgres: PostgresCluster) -> Iterator[Stack]:
    workdir = Path(tempfile.mkdtemp(prefix="fasthub-fault-server-"))
    env = server_env(
        workdir, database_url=fault_postgres.url, redis_url=fault_redis.url, secret_key=SECRET_KEY
    )
    server = None
    try:
        run_python(env, "manage.py", "migrate", "--no-input", "-v", "0")
        seed = json.loads(run_python(env, "-m", "tests.faults.seed").strip().splitlines()[-1])
        server = start_gunicorn(env, workdir, timeout=START_TIMEOUT)
        yield Stack(server=server, redis=fault_redis, postgres=fault_postgres, seed=seed)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
