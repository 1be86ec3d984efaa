"""Gunicorn settings for production (scripts/serve-production), each one overridable by env.

BIND (default 127.0.0.1:8000; behind a load balancer on another host use 0.0.0.0:$PORT),
WEB_CONCURRENCY (worker processes, default 2 x cores + 1, at most 12), GUNICORN_THREADS (threads
per worker, default 1), GUNICORN_TIMEOUT (seconds, default 30), GUNICORN_MAX_REQUESTS (default
10000, with jitter so workers do not all restart together), FORWARDED_ALLOW_IPS (proxies whose
X-Forwarded-* headers are trusted, default loopback).
"""

import json
import multiprocessing
import traceback
from typing import Any

from gunicorn import glogging  # type: ignore[import-untyped]

from config.settings.env import env_int, env_str

bind = env_str("BIND", "") or f"127.0.0.1:{env_int('PORT', 8000)}"

# A request is ~7 ms of Python CPU against ~1 ms in PostgreSQL (docs/LOAD.md, py-spy), so
# threads in one process mostly queue on the interpreter lock: one thread per process and
# 2 x cores + 1 processes gave the better tail there (p99 of stats and detail under 50 ms at
# 100 users, with less CPU per request than 3 workers x 4 threads).
workers = min(env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1), 12)
worker_class = "gthread"
threads = env_int("GUNICORN_THREADS", 1)

# A worker silent for `timeout` seconds is killed and replaced; every endpoint has a constant
# query count, so a slow request means a stuck dependency, not legitimate work.
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# Longer than the load balancer's idle timeout (often 60 s) would hold sockets; shorter is fine.
keepalive = env_int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then (bounded memory growth from any leak), staggered by the jitter;
# rarely, because a fresh worker's first requests are slow (imports, connections, caches) and
# frequent restarts showed up in the load test's tail.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 1000)

# Reject oversized request heads before Django sees them. Bodies are limited by Django
# (DATA_UPLOAD_MAX_MEMORY_SIZE, 6 MB) and should also be capped at the proxy.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Several instances can share a host (and a home directory): no control socket unless asked.
control_socket_disable = not env_str("GUNICORN_CONTROL_SOCKET", "")
if not control_socket_disable:
    control_socket = env_str("GUNICORN_CONTROL_SOCKET", "")

# One JSON object per request on stdout; request_id matches the X-Request-ID Fasthub answers
# with and the request_id of that request's application log lines (JSON on stderr).
accesslog = env_str("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = env_str("GUNICORN_LOG_LEVEL", "info")


class JsonAccessLogger(glogging.Logger):
    """Access lines as real JSON: header values are escaped, unlike a printf-style format."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        status = str(atoms["s"])
        line = {
            "time": atoms["t"].strip("[]"),
            "logger": "gunicorn.access",
            "request_id": atoms["{x-request-id}o"],
            "remote": atoms["h"],
            "forwarded_for": atoms["{x-forwarded-for}i"],
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(status) if status.isdigit() else status,
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "user_agent": atoms["a"],
        }
        try:
            self.access_log.info(json.dumps(line))
        except Exception:
            self.error(traceback.format_exc())


logger_class = JsonAccessLogger
