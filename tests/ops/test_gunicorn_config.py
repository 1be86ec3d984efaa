"""config/gunicorn.py reads its values from the environment, with safe defaults."""

import datetime as dt
import importlib.util
import json
import multiprocessing
import types
from pathlib import Path
from typing import Any

import pytest

CONFIG = Path(__file__).resolve().parents[2] / "config" / "gunicorn.py"
ENV_NAMES = ["BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_CONTROL_SOCKET"]


def load_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> types.ModuleType:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_config_under_test", CONFIG)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_defaults_one_thread_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(monkeypatch)
    assert config.bind == "127.0.0.1:8000"
    assert config.worker_class == "gthread"
    assert config.threads == 1  # CPU-bound requests: processes, not threads (docs/LOAD.md)
    assert config.workers == min(2 * multiprocessing.cpu_count() + 1, 12)
    assert config.max_requests >= 10000 and config.max_requests_jitter > 0
    assert 0 < config.limit_request_line <= 8190
    assert 0 < config.limit_request_fields <= 100
    assert config.timeout > 0
    assert config.control_socket_disable is True


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_config(monkeypatch, PORT="9001").bind == "127.0.0.1:9001"
    assert load_config(monkeypatch, BIND="0.0.0.0:80", PORT="9001").bind == "0.0.0.0:80"
    assert load_config(monkeypatch, WEB_CONCURRENCY="3").workers == 3
    assert load_config(monkeypatch, WEB_CONCURRENCY="500").workers == 12
    assert load_config(monkeypatch, GUNICORN_THREADS="8").threads == 8


class _Collect:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str, *args: Any) -> None:
        self.lines.append(message % args if args else message)


def test_access_log_lines_are_json_even_with_quotes_in_headers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gunicorn.config import Config  # type: ignore[import-untyped]

    config = load_config(monkeypatch)
    gunicorn_config = Config()
    gunicorn_config.set("accesslog", "-")
    logger = config.JsonAccessLogger(gunicorn_config)
    logger.access_log = _Collect()

    response = types.SimpleNamespace(
        status="200 OK", response_length=17, sent=17, headers=[("X-Request-ID", "abc123")]
    )
    request = types.SimpleNamespace(headers=[("USER-AGENT", 'evil "agent" \\'), ("HOST", "x")])
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/health/?a=1",
        "PATH_INFO": "/health/",
        "QUERY_STRING": "a=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_USER_AGENT": 'evil "agent" \\',
    }
    logger.access(response, request, environ, dt.timedelta(milliseconds=12))
    (line,) = logger.access_log.lines
    record = json.loads(line)
    assert record["request_id"] == "abc123"
    assert record["status"] == 200
    assert record["path"] == "/health/"
    assert record["method"] == "GET"
    # gunicorn's atoms already escape double quotes (for its CLF lines); a trailing backslash
    # would still break a printf-style JSON format, but not json.dumps.
    assert record["user_agent"].replace('\\"', '"') == 'evil "agent" \\'
    assert record["duration_ms"] == 12
