"""A live Fasthub with its own Redis and PostgreSQL, for tests that break them on purpose.

Per pytest process (each xdist worker builds its own): a throwaway Redis and a throwaway
PostgreSQL cluster (initdb/pg_ctl in a temporary directory), both on free loopback ports, a
migrated and seeded database, and gunicorn with the production settings pointing at them. The
outer run's DATABASE_URL and REDIS_URL are never used, and the shared servers are never touched.
Every fixture stops what it started and removes its directory, also when setup fails halfway.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.live import RedisServer, free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET_KEY = secrets.token_urlsafe(50)
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 15.0


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


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    candidates = list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    versions = [path for path in candidates if path.parent.parent.name.isdigit()]
    if versions:
        return max(versions, key=lambda path: int(path.parent.parent.name)).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class PostgresCluster:
    bin_dir: Path
    workdir: Path
    port: int
    as_postgres: bool
    database: str = "fasthub_faults"
    started: bool = field(default=False)

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def run(self, tool: str, *args: str, timeout: float = 60) -> None:
        argv = [str(self.bin_dir / tool), *args]
        if self.as_postgres:
            # initdb and postgres refuse to run as root.
            argv = ["runuser", "-u", "postgres", "--", *argv]
        with (self.workdir / f"{tool}.out").open("ab") as out:
            result = subprocess.run(  # noqa: S603 - fixed argv built here
                argv,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        if result.returncode != 0:
            raise AssertionError(
                f"{tool} {' '.join(args)} failed ({result.returncode}):\n"
                + (self.workdir / f"{tool}.out").read_text()[-2000:]
                + self.server_log()
            )

    def server_log(self) -> str:
        log = self.workdir / "postgres.log"
        return "\n--- postgres.log ---\n" + log.read_text()[-2000:] if log.exists() else ""

    def init(self) -> None:
        self.run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = f"-k {self.workdir} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.workdir / "postgres.log"),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )
        self.started = True

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "30", "stop")
        self.started = False

    def is_running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as connection:
            return list(connection.execute(sql, params).fetchall())


@pytest.fixture(scope="session")
def fault_postgres() -> Iterator[PostgresCluster]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("initdb/pg_ctl are not installed: the fault tests need PostgreSQL binaries")
    as_postgres = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="fasthub-fault-pg-"))
    if as_postgres:
        shutil.chown(workdir, user="postgres", group="postgres")
    cluster = PostgresCluster(
        bin_dir=bin_dir, workdir=workdir, port=free_port(), as_postgres=as_postgres
    )
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        for mode in ("fast", "immediate"):
            if not cluster.is_running():
                break
            try:
                cluster.stop(mode)
            except (AssertionError, subprocess.TimeoutExpired):
                continue
        shutil.rmtree(workdir, ignore_errors=True)


# --- Fasthub under gunicorn ------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class LiveServer:
    base: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        timeout: float = REQUEST_TIMEOUT,
    ) -> Reply:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(  # noqa: S310 - loopback URL built here
            self.base + path, data=data, headers=headers, method=method
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                payload = response.read()
                return Reply(response.status, response.headers, payload, time.monotonic() - started)
        except urllib.error.HTTPError as error:
            payload = error.read()
            return Reply(error.code, error.headers, payload, time.monotonic() - started)

    def get(self, path: str, *, token: str | None = None) -> Reply:
        return self.call("GET", path, token=token)

    def put(self, path: str, body: Any, *, token: str | None = None) -> Reply:
        return self.call("PUT", path, token=token, body=body)

    def login(self, email: str, password: str) -> str:
        reply = self.call("POST", "/api/token/", body={"email": email, "password": password})
        assert reply.status == 200, (reply.status, reply.body, self.log_tail())
        return str(reply.json()["access"])

    def worker_pids(self) -> set[int]:
        """The gunicorn workers' process ids (Linux /proc): a recycled worker gets a new one."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def log_tail(self) -> str:
        return "\n--- gunicorn stderr ---\n" + self.stderr.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def server_env(workdir: Path, *, database_url: str, redis_url: str) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "PYTEST_", "DATABASE_", "REDIS_", "CACHE_", "THROTTLE_", "JWT_", "DB_")
        )
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DB_CONNECT_TIMEOUT": "2",
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "EMAIL_ALLOW_LOCAL_BACKEND": "true",
        "LOG_FORMAT": "text",
        "PASSWORD_RESET_EMAIL_IN_BACKGROUND": "false",
        # The suite sends a few hundred requests from one address in seconds.
        "THROTTLE_LOGIN_IP": "100000/min",
        "THROTTLE_LOGIN_ACCOUNT": "100000/min",
        "THROTTLE_REFRESH": "100000/min",
        "THROTTLE_REGISTER": "100000/min",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "GUNICORN_MAX_REQUESTS": "0",
        "PYTHONUNBUFFERED": "1",
    }


def run_python(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed argv built here
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, timeout=180, check=False
    )
    if result.returncode != 0:
        raise AssertionError(
            f"python {' '.join(args)} failed:\n{result.stdout.decode()[-2000:]}"
            f"\n{result.stderr.decode()[-4000:]}"
        )
    return result.stdout.decode()


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
    env = server_env(workdir, database_url=fault_postgres.url, redis_url=fault_redis.url)
    run_python(env, "manage.py", "migrate", "--no-input", "-v", "0")
    seed = json.loads(run_python(env, "-m", "tests.faults.seed").strip().splitlines()[-1])

    port = free_port()
    stdout, stderr = workdir / "gunicorn.out", workdir / "gunicorn.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 - fixed argv built here
            [GUNICORN, "config.wsgi", "-c", "config/gunicorn.py"],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}"},
            stdout=out,
            stderr=err,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, stdout, stderr)
    try:

        def healthy() -> bool:
            assert process.poll() is None, f"gunicorn exited{server.log_tail()}"
            try:
                return server.call("GET", "/health/", timeout=2).status == 200
            except OSError:
                return False

        wait_until(healthy, timeout=START_TIMEOUT, what="/health/ to answer 200", step=0.2)
        yield Stack(server=server, redis=fault_redis, postgres=fault_postgres, seed=seed)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
