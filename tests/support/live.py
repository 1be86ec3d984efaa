"""Helpers for tests that run real servers on loopback: free ports, waiting, and throwaway
Redis, PostgreSQL (a single cluster, or a primary with a streaming standby) and gunicorn.

Nothing here touches a shared server: every process is started on a free loopback port in a
temporary directory, and every helper that starts something can stop it and remove its files.
"""

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.support.processes import manage, production_env, python, succeeded

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}


def missing_tool(message: str) -> NoReturn:
    """Skip a test whose tool is not installed, except in CI, where every test must run."""
    if in_ci():
        pytest.fail(f"{message}; CI must run this test.")
    pytest.skip(f"{message}; the test runs in CI.")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Any, *, timeout: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


# --- Redis -----------------------------------------------------------------------------------


@dataclass
class RedisServer:
    binary: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self.ping, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGCONT)  # a frozen server cannot act on SIGTERM
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def freeze(self) -> None:
        """Hang without closing sockets: connects still succeed, replies never come."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)
        wait_until(self.ping, timeout=10, what="redis-server to answer again")


@contextmanager
def throwaway_redis() -> Iterator[RedisServer]:
    """A Redis of its own on a free port, stopped and removed on exit (``missing_tool`` when
    redis-server is not installed)."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing_tool("redis-server is not installed")
    workdir = Path(tempfile.mkdtemp(prefix="fasthub-redis-"))
    server = RedisServer(binary=binary, port=free_port(), log=workdir / "redis.log")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries: Debian's /usr/lib/postgresql/<version>/bin, else
    whatever directory holds ``initdb`` on PATH."""
    candidates = list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    versions = [path for path in candidates if path.parent.parent.name.isdigit()]
    if versions:
        return max(versions, key=lambda path: int(path.parent.parent.name)).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class PostgresCluster:
    """One throwaway PostgreSQL cluster: data, socket and logs under ``workdir``.

    ``settings`` become ``-c name=value`` options of the server. As root, the tools run as the
    ``postgres`` user (initdb and postgres refuse to run as root).
    """

    bin_dir: Path
    workdir: Path
    port: int
    as_postgres: bool
    database: str = "fasthub_faults"
    settings: dict[str, str] = field(default_factory=dict)
    started: bool = field(default=False)

    @classmethod
    def in_new_directory(
        cls, bin_dir: Path, workdir: Path, *, database: str, settings: dict[str, str] | None = None
    ) -> "PostgresCluster":
        workdir.mkdir(parents=True, exist_ok=True)
        as_postgres = os.geteuid() == 0
        if as_postgres:
            shutil.chown(workdir, user="postgres", group="postgres")
        return cls(
            bin_dir=bin_dir,
            workdir=workdir,
            port=free_port(),
            as_postgres=as_postgres,
            database=database,
            settings=dict(settings or {}),
        )

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def run(self, tool: str, *args: str, timeout: float = 60) -> None:
        argv = [str(self.bin_dir / tool), *args]
        if self.as_postgres:
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

    def allow_replication(self) -> None:
        """Let a standby on loopback stream from this cluster (trust, as for every login here).

        initdb's pg_hba.conf already allows it; the line is added when a packager's template
        does not. ``wal_level`` and ``max_wal_senders`` are server settings (``settings``).
        """
        hba = self.data_dir / "pg_hba.conf"
        lines = [line.split() for line in hba.read_text().splitlines()]
        if not any(f[:4] == ["host", "replication", "all", "127.0.0.1/32"] for f in lines):
            with hba.open("a") as out:
                out.write("host    replication     all     127.0.0.1/32     trust\n")

    def base_backup_from(self, primary: "PostgresCluster") -> None:
        """This cluster's data directory as a streaming standby of ``primary``:
        ``pg_basebackup -R`` copies the data and writes ``standby.signal`` and
        ``primary_conninfo``; the server then follows the primary once started."""
        self.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(self.data_dir),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
            timeout=120,
        )

    def start(self) -> None:
        options = f"-k {self.workdir} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off"
        for name, value in self.settings.items():
            options += f" -c {name}={value}"
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

    def stop_for_good(self) -> None:
        """Stop the server whatever state it is in (cleanup: never raises)."""
        for mode in ("fast", "immediate"):
            if not self.is_running():
                return
            try:
                self.stop(mode)
            except (AssertionError, subprocess.TimeoutExpired):
                continue

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(
            self.url.replace("postgres://", "postgresql://", 1), autocommit=True
        ) as connection:
            return list(connection.execute(sql, params).fetchall())

    def execute(self, sql: str) -> None:
        """One statement that returns no rows, in autocommit."""
        import psycopg

        with psycopg.connect(
            self.url.replace("postgres://", "postgresql://", 1), autocommit=True
        ) as connection:
            connection.execute(sql)


@contextmanager
def throwaway_postgres(*, database: str) -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster of its own on a free port with an empty ``database``, stopped and
    removed on exit, also when setup fails halfway (``missing_tool`` without initdb/pg_ctl)."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        missing_tool("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    workdir = Path(tempfile.mkdtemp(prefix="fasthub-postgres-"))
    cluster = PostgresCluster.in_new_directory(bin_dir, workdir, database=database)
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.stop_for_good()
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class StreamingPair:
    """A primary and a hot standby that streams from it, replaying each commit no sooner than
    ``apply_delay`` seconds after the primary made it (``recovery_min_apply_delay``)."""

    primary: PostgresCluster
    standby: PostgresCluster
    apply_delay: float

    def wal_position(self) -> int:
        (row,) = self.primary.query("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
        return int(row[0])

    def replayed_position(self) -> int:
        (row,) = self.standby.query("SELECT pg_last_wal_replay_lsn() - '0/0'::pg_lsn")
        return int(row[0])

    def wait_until_replayed(self, timeout: float = 60.0) -> None:
        """Until the standby has replayed everything the primary had written when called."""
        target = self.wal_position()
        wait_until(
            lambda: self.replayed_position() >= target,
            timeout=timeout,
            what="the standby to replay the primary's WAL" + self.standby.server_log(),
            step=0.1,
        )

    def set_apply_delay(self, seconds: float) -> None:
        """Change the standby's ``recovery_min_apply_delay`` while it runs."""
        milliseconds = round(seconds * 1000)
        self.standby.execute(f"ALTER SYSTEM SET recovery_min_apply_delay = '{milliseconds}ms'")
        self.standby.query("SELECT pg_reload_conf()")
        sql = "SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'"  # in ms
        wait_until(
            lambda: self.standby.query(sql)[0][0] == str(milliseconds),
            timeout=10,
            what="the standby to take the new apply delay",
        )
        self.apply_delay = seconds

    def pause_replay(self) -> None:
        self.standby.query("SELECT pg_wal_replay_pause()")
        wait_until(
            lambda: self.standby.query("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
            timeout=30,
            what="the standby to pause replay",
        )

    def resume_replay(self) -> None:
        self.standby.query("SELECT pg_wal_replay_resume()")


def pg_stat_statements_available(bin_dir: Path) -> bool:
    result = subprocess.run(  # noqa: S603 - fixed argv
        [str(bin_dir / "pg_config"), "--pkglibdir"],
        capture_output=True,
        text=True,
        check=False,
    )
    return (
        result.returncode == 0 and (Path(result.stdout.strip()) / "pg_stat_statements.so").exists()
    )


@contextmanager
def streaming_pair(
    bin_dir: Path, *, database: str, apply_delay: float, statements: bool = False
) -> Iterator[StreamingPair]:
    """A throwaway primary (``wal_level=replica``, WAL senders, replication allowed on
    loopback) with a database, and a standby made by ``pg_basebackup -R`` from it, started hot
    on its own free port. Both are stopped and their directories removed on exit, also when
    setup fails halfway. ``statements``: both load pg_stat_statements (counts what each server
    ran; the extension is created in the database on the primary and replicated)."""
    preload = {"shared_preload_libraries": "pg_stat_statements"} if statements else {}
    primary_dir = Path(tempfile.mkdtemp(prefix="fasthub-primary-"))
    standby_dir = Path(tempfile.mkdtemp(prefix="fasthub-standby-"))
    primary = PostgresCluster.in_new_directory(
        bin_dir,
        primary_dir,
        database=database,
        settings={"wal_level": "replica", "max_wal_senders": "4", **preload},
    )
    standby = PostgresCluster.in_new_directory(
        bin_dir,
        standby_dir,
        database=database,
        settings={"hot_standby": "on", **preload},
    )
    try:
        primary.init()
        primary.allow_replication()
        primary.start()
        primary.create_database()
        if statements:
            primary.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        standby.base_backup_from(primary)
        # In the configuration file, not on the command line, so ALTER SYSTEM can change it.
        with (standby.data_dir / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"recovery_min_apply_delay = '{round(apply_delay * 1000)}ms'\n")
        standby.start()
        pair = StreamingPair(primary=primary, standby=standby, apply_delay=apply_delay)
        pair.wait_until_replayed()
        yield pair
    finally:
        standby.stop_for_good()
        primary.stop_for_good()
        shutil.rmtree(standby_dir, ignore_errors=True)
        shutil.rmtree(primary_dir, ignore_errors=True)


# --- Fasthub under gunicorn ------------------------------------------------------------------

# The live servers' Django secret (one per test process): tokens the tests mint with
# ``access_token_for`` are accepted by every live server started with ``server_env``'s default.
SECRET_KEY = secrets.token_urlsafe(50)


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)

    @classmethod
    def parse(cls, raw: bytes, seconds: float) -> "Reply":
        """A response as it came off the socket (status line, headers, then the body)."""
        head, _, body = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = http.client.HTTPMessage()
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip()] = value.strip()
        return cls(int(status_line.split()[1]), headers, body, seconds)


@dataclass
class LiveServer:
    """A running gunicorn; also a context manager that stops it on exit."""

    base: str
    process: subprocess.Popen[bytes]
    stdout: Path  # gunicorn's access log (JSON lines in production)
    stderr: Path  # everything else it and the application log

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    @property
    def workdir(self) -> Path:
        """The server's directory (its logs, STATIC_ROOT and MEDIA_ROOT: ``server_env``)."""
        return self.stdout.parent

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 15.0,
    ) -> Reply:
        """One request on a new connection (so either worker may answer it); redirects are
        answers too. ``body`` is sent as JSON, ``data`` as given; ``headers`` come last."""
        sent = {"Accept": "application/json"}
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        sent.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            payload = response.read()
            return Reply(response.status, response.headers, payload, time.monotonic() - started)
        finally:
            connection.close()

    def get(
        self, path: str, *, token: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Reply:
        return self.call("GET", path, token=token, headers=headers)

    def put(self, path: str, body: Any, *, token: str | None = None) -> Reply:
        return self.call("PUT", path, token=token, body=body)

    def raw(self, data: bytes, *, timeout: float = 20.0) -> Reply:
        """Bytes written to the socket as they are (a request no HTTP client would send), read
        back until the server closes. They are sent while the answer is read: a server may
        refuse a large request and close before reading all of it."""
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:

            def send() -> None:
                with contextlib.suppress(OSError):  # refused early: the answer is on its way
                    sock.sendall(data)

            sender = threading.Thread(target=send)
            sender.start()
            chunks = []
            while True:
                try:
                    chunk = sock.recv(65536)
                except (ConnectionResetError, TimeoutError):
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            sender.join(timeout=timeout)
        return Reply.parse(b"".join(chunks), time.monotonic() - started)

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

    def log_lines(self, stream: Path) -> list[dict[str, Any]]:
        """The JSON lines of ``stream`` (``stdout``: the access log; ``stderr``: the rest)."""
        lines = stream.read_text(errors="replace").splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def log_line(
        self, stream: Path, where: Callable[[dict[str, Any]], bool], *, timeout: float = 5.0
    ) -> dict[str, Any]:
        """The first JSON line of ``stream`` that satisfies ``where``, once it is written."""
        found: list[dict[str, Any]] = []

        def written() -> bool:
            found[:] = [line for line in self.log_lines(stream) if where(line)]
            return bool(found)

        wait_until(written, timeout=timeout, what=f"a log line in {stream.name}{self.log_tail()}")
        return found[0]

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def __enter__(self) -> "LiveServer":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def server_env(
    workdir: Path,
    *,
    database_url: str,
    redis_url: str | None,
    secret_key: str = SECRET_KEY,
    **changes: str | None,
) -> dict[str, str]:
    """Production settings for a live server on loopback; none of the outer run's database,
    cache or throttle settings leak in (``redis_url`` None: the in-process cache). ``changes``
    set or, when None, remove variables (``SECURE_SSL_REDIRECT=None``: the production default)."""
    defaults: dict[str, str | None] = dict(
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DB_CONNECT_TIMEOUT="2",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        # Reset mails stay in memory: nothing here may send mail.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        EMAIL_ALLOW_LOCAL_BACKEND="true",
        LOG_FORMAT="text",
        PASSWORD_RESET_EMAIL_IN_BACKGROUND="false",
        # The suites send a few hundred requests from one address in seconds.
        THROTTLE_LOGIN_IP="100000/min",
        THROTTLE_LOGIN_ACCOUNT="100000/min",
        THROTTLE_REFRESH="100000/min",
        THROTTLE_REGISTER="100000/min",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="4",
        GUNICORN_MAX_REQUESTS="0",
        PYTHONUNBUFFERED="1",
    )
    return production_env(**{**defaults, **changes})


def migrate(env: dict[str, str]) -> None:
    """The server's database, migrated (``manage.py migrate``)."""
    succeeded(manage(env, "migrate", "--no-input", "-v", "0", timeout=300))


def collect_admin_static(env: dict[str, str]) -> None:
    """The static files with their manifest, for the admin pages; the API docs' bundles are
    left out (compressing them would add a minute of CPU)."""
    succeeded(
        manage(
            env,
            "collectstatic",
            "--no-input",
            "-v",
            "0",
            "--ignore",
            "drf_spectacular_sidecar",
            "--ignore",
            "rest_framework",
            timeout=300,
        )
    )


def access_token_for(user_id: int | str, *, secret_key: str = SECRET_KEY) -> str:
    """An access token for ``user_id``, valid for five minutes, signed as a live server started
    with ``secret_key`` signs them (minted here: no database needed)."""
    from rest_framework_simplejwt.backends import TokenBackend

    now = int(time.time())
    claims = {
        "token_type": "access",
        "exp": now + 300,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": str(user_id),
    }
    return str(TokenBackend("HS256", signing_key=secret_key).encode(claims))


def start_gunicorn(
    env: dict[str, str],
    workdir: Path,
    *,
    args: Sequence[str] = (),
    health_status: int = 200,
    timeout: float = 30.0,
) -> LiveServer:
    """gunicorn with ``config/gunicorn.py`` (and ``args``) on a free port, returned once
    /health/ answers ``health_status`` (503: a server whose database is down on purpose).
    The caller stops it (``LiveServer.stop``, or ``with``); so does this when it fails."""
    port = free_port()
    stdout, stderr = workdir / "gunicorn.out", workdir / "gunicorn.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 - fixed argv built here
            [GUNICORN, "config.wsgi", "-c", "config/gunicorn.py", *args],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{port}"},
            stdout=out,
            stderr=err,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, stdout, stderr)

    def answering() -> bool:
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn exited{server.log_tail()}")
        try:
            return server.call("GET", "/health/", timeout=2).status == health_status
        except OSError:
            return False

    try:
        wait_until(answering, timeout=timeout, what=f"/health/ to answer {health_status}", step=0.2)
    except BaseException:
        server.stop()
        raise
    return server


@dataclass
class Seeded:
    """A live server with its Redis and what its seed script printed (ids by name, users)."""

    server: LiveServer
    redis: RedisServer
    seed: dict[str, Any]

    def fast_id(self, name: str) -> int:
        return int(self.seed["fasts"][name])


def run_seed(env: dict[str, str], module: str) -> dict[str, Any]:
    """Run a seed script (``python -m module``) in the server's environment; the JSON document
    it printed last."""
    output = succeeded(python(env, "-m", module, timeout=300))
    seed: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return seed
