"""Production serving end to end: gunicorn + production settings, as scripts/serve-production runs.

Each server is a real gunicorn subprocess on a free loopback port (``tests/support/live.py``).
One runs on a freshly migrated SQLite file with static files collected into a temporary
STATIC_ROOT; the other points at a PostgreSQL address where nothing listens, to prove a
database outage answers 503 JSON quickly. Logs are JSON, as in production.
"""

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live import (
    LiveServer,
    access_token_for,
    collect_admin_static,
    free_port,
    migrate,
    server_env,
    start_gunicorn,
)
from tests.support.processes import manage, succeeded

START_TIMEOUT = 60.0


def _env(workdir: Path, database_url: str) -> dict[str, str]:
    # The outer run's Redis, when it has one: the health check then reports it "ok".
    return server_env(
        workdir,
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL"),
        LOG_FORMAT=None,  # the production default: JSON
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="2",
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("serving")
    env = _env(workdir, f"sqlite:///{workdir / 'fasthub.sqlite3'}")
    migrate(env)
    collect_admin_static(env)
    code = "from hub.models import Church; Church.objects.create(name='Ops')"
    succeeded(manage(env, "shell", "-c", code))
    with start_gunicorn(env, workdir, timeout=START_TIMEOUT) as running:
        yield running


@pytest.fixture(scope="module")
def server_without_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("no-database")
    dead = f"postgres://fasthub@127.0.0.1:{free_port()}/fasthub"  # nothing listens there
    with start_gunicorn(
        _env(workdir, dead), workdir, health_status=503, timeout=START_TIMEOUT
    ) as running:
        yield running


def test_health_is_ok_behind_gunicorn(server: LiveServer) -> None:
    reply = server.get("/health/")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    payload = reply.json()
    assert payload["status"] == "ok"
    assert payload["database"] == "ok"
    assert payload["cache"] == ("ok" if os.environ.get("REDIS_URL") else "in-process")


def test_api_answers_json_with_production_settings(server: LiveServer) -> None:
    reply = server.get("/api/churches/")
    assert reply.status == 200
    assert [row["name"] for row in reply.json()["results"]] == ["Ops"]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"


def test_static_files_are_served_by_whitenoise(server: LiveServer) -> None:
    manifest = (server.workdir / "static" / "staticfiles.json").read_text()
    hashed = json.loads(manifest)["paths"]["admin/css/base.css"]
    reply = server.get(f"/static/{hashed}")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/css")
    assert "immutable" in reply.headers["Cache-Control"]
    assert b"body" in reply.body


def test_access_log_is_json_with_the_request_id(server: LiveServer) -> None:
    request_id = "ops-" + uuid.uuid4().hex[:12]
    reply = server.get("/health/", headers={"X-Request-ID": request_id})
    assert reply.status == 200
    assert reply.headers["X-Request-ID"] == request_id
    line = server.log_line(server.stdout, lambda line: line["request_id"] == request_id)
    assert line["path"] == "/health/"
    assert line["status"] == 200
    assert line["logger"] == "gunicorn.access"


def test_database_outage_is_a_fast_503_on_health(server_without_database: LiveServer) -> None:
    reply = server_without_database.get("/health/")
    assert reply.seconds < 5
    assert reply.status == 503
    payload = reply.json()
    assert payload["status"] == "unavailable"
    assert payload["database"] == "down"
    assert payload["database_error"] == "OperationalError"
    assert b"127.0.0.1" not in reply.body and b"fasthub" not in reply.body


def test_database_outage_is_503_json_on_api_endpoints(server_without_database: LiveServer) -> None:
    reply = server_without_database.get("/api/churches/")
    assert reply.status == 503
    assert reply.json() == {
        "detail": "Service temporarily unavailable.",
        "code": "database_unavailable",
    }
    assert reply.headers["Retry-After"].isdigit()


def test_database_outage_during_authentication_is_503_json(
    server_without_database: LiveServer,
) -> None:
    """The JWT is valid, so authentication queries the user: that query fails, inside DRF."""
    request_id = "ops-" + uuid.uuid4().hex[:12]
    reply = server_without_database.get(
        "/api/profile/", token=access_token_for(1), headers={"X-Request-ID": request_id}
    )
    assert reply.status == 503
    assert reply.json() == {
        "detail": "Service temporarily unavailable.",
        "code": "database_unavailable",
    }

    # The application's own log line about it is JSON and carries the request id.
    line = server_without_database.log_line(
        server_without_database.stderr, lambda line: line.get("request_id") == request_id
    )
    assert line["name"] == "hub.api.errors"
    assert line["levelname"] == "ERROR"
