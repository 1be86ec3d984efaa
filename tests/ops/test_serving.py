"""Production serving end to end: gunicorn + production settings, as scripts/serve-production runs.

Each server is a real gunicorn subprocess on a free loopback port. One runs on a freshly migrated
SQLite file with static files collected into a temporary STATIC_ROOT; the other points at a
PostgreSQL address where nothing listens, to prove a database outage answers 503 JSON quickly.
"""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support import processes
from tests.support.live import free_port
from tests.support.processes import succeeded

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET_KEY = secrets.token_urlsafe(50)
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 10.0


def production_env(tmp: Path, database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        DB_CONNECT_TIMEOUT="2",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"),
        # Reset mails stay in memory on purpose: nothing here may send mail.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        EMAIL_ALLOW_LOCAL_BACKEND="true",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    succeeded(processes.manage(env, *args, timeout=300))


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
        request = urllib.request.Request(self.base + path, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def log_lines(self, which: Path) -> list[dict[str, Any]]:
        lines = []
        for raw in which.read_text().splitlines():
            if raw.startswith("{"):
                lines.append(json.loads(raw))
        return lines


def start_server(tmp: Path, env: dict[str, str]) -> Server:
    port = free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}"}
    stdout, stderr = tmp / "gunicorn.out", tmp / "gunicorn.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(  # noqa: S603 - fixed argv built in this module
            [GUNICORN, "config.wsgi", "-c", "config/gunicorn.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
    server = Server(f"http://127.0.0.1:{port}", process, stdout, stderr)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited: {stderr.read_text()[-2000:]}")
        try:
            # Any HTTP answer (200 or 503) means a worker has booted and loaded Django.
            server.get("/health/")
        except OSError:
            time.sleep(0.2)
        else:
            return server
    server.stop()
    raise AssertionError(f"gunicorn did not start: {stderr.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serving")
    env = production_env(tmp, f"sqlite:///{tmp / 'fasthub.sqlite3'}")
    manage(env, "migrate", "--no-input", "-v", "0")
    # Only the admin's files: compressing the API docs bundles too would add a minute of CPU.
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
    )
    manage(env, "shell", "-c", "from hub.models import Church; Church.objects.create(name='Ops')")
    running = start_server(tmp, env)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def server_without_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("no-database")
    dead = f"postgres://fasthub@127.0.0.1:{free_port()}/fasthub"  # nothing listens there
    running = start_server(tmp, production_env(tmp, dead))
    yield running
    running.stop()


def test_health_is_ok_behind_gunicorn(server: Server) -> None:
    status, headers, body = server.get("/health/")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert payload["status"] == "ok"
    assert payload["database"] == "ok"
    assert payload["cache"] == ("ok" if os.environ.get("REDIS_URL") else "in-process")


def test_api_answers_json_with_production_settings(server: Server) -> None:
    status, headers, body = server.get("/api/churches/")
    assert status == 200
    assert [row["name"] for row in json.loads(body)["results"]] == ["Ops"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_static_files_are_served_by_whitenoise(server: Server) -> None:
    manifest = json.loads((Path(server_static_root(server)) / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    status, headers, body = server.get(f"/static/{hashed}")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert b"body" in body


def server_static_root(server: Server) -> Path:
    return server.stdout.parent / "static"


def test_access_log_is_json_with_the_request_id(server: Server) -> None:
    request_id = "ops-" + uuid.uuid4().hex[:12]
    status, headers, _ = server.get("/health/", headers={"X-Request-ID": request_id})
    assert status == 200
    assert headers["X-Request-ID"] == request_id
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        matching = [
            line for line in server.log_lines(server.stdout) if line["request_id"] == request_id
        ]
        if matching:
            break
        time.sleep(0.1)
    assert matching, server.stdout.read_text()[-2000:]
    assert matching[0]["path"] == "/health/"
    assert matching[0]["status"] == 200
    assert matching[0]["logger"] == "gunicorn.access"


def test_database_outage_is_a_fast_503_on_health(server_without_database: Server) -> None:
    started = time.monotonic()
    status, _, body = server_without_database.get("/health/")
    assert time.monotonic() - started < 5
    assert status == 503
    payload = json.loads(body)
    assert payload["status"] == "unavailable"
    assert payload["database"] == "down"
    assert payload["database_error"] == "OperationalError"
    assert "127.0.0.1" not in body.decode() and "fasthub" not in body.decode()


def test_database_outage_is_503_json_on_api_endpoints(server_without_database: Server) -> None:
    status, headers, body = server_without_database.get("/api/churches/")
    assert status == 503
    assert json.loads(body) == {
        "detail": "Service temporarily unavailable.",
        "code": "database_unavailable",
    }
    assert headers["Retry-After"].isdigit()


def test_database_outage_during_authentication_is_503_json(
    server_without_database: Server,
) -> None:
    """The JWT is valid, so authentication queries the user: that query fails, inside DRF."""
    from rest_framework_simplejwt.backends import TokenBackend

    now = int(time.time())
    claims = {
        "token_type": "access",
        "exp": now + int(timedelta(minutes=5).total_seconds()),
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": "1",
    }
    token = TokenBackend("HS256", signing_key=SECRET_KEY).encode(claims)
    request_id = "ops-" + uuid.uuid4().hex[:12]
    status, _, body = server_without_database.get(
        "/api/profile/", headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id}
    )
    assert status == 503
    assert json.loads(body) == {
        "detail": "Service temporarily unavailable.",
        "code": "database_unavailable",
    }

    # The application's own log line about it is JSON and carries the request id.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [
            line
            for line in server_without_database.log_lines(server_without_database.stderr)
            if line.get("request_id") == request_id
        ]
        if lines:
            break
        time.sleep(0.1)
    assert lines, server_without_database.stderr.read_text()[-2000:]
    assert lines[0]["name"] == "hub.api.errors"
    assert lines[0]["levelname"] == "ERROR"
