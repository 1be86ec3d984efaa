"""PostgreSQL restarts under a running Fasthub: 503 JSON fast while it is down, then recovery.

Fasthub keeps persistent, health-checked connections (CONN_MAX_AGE + conn_health_checks) and a
short connect timeout, so while the database is down each request fails within a few seconds
with a retryable 503, and once it is back the same gunicorn processes reconnect on their own.
"""

import time
from typing import Any

import pytest

from tests.support.faults import FaultStack
from tests.support.live import Reply

pytestmark = pytest.mark.faults

FAIL_FAST_SECONDS = 5.0
RECOVERY_SECONDS = 15.0
FAST = "Postgres fast"


def endpoints(stack: FaultStack, token: str) -> list[tuple[str, str, str | None, Any]]:
    fast_id = stack.fast_id(FAST)
    church_id = stack.seed["church_id"]
    return [
        ("GET", "/api/fasts/", token, None),
        ("GET", "/api/fasts/stats/", token, None),
        ("GET", f"/api/fasts/{fast_id}/", token, None),
        ("GET", f"/api/fasts/{fast_id}/participants/", token, None),
        ("GET", f"/api/fasts/?church_id={church_id}", None, None),
        ("PUT", "/api/fasts/join/", token, {"fast_id": fast_id}),
    ]


def call(stack: FaultStack, method: str, path: str, token: str | None, body: Any) -> Reply:
    return stack.server.call(method, path, token=token, body=body)


def test_requests_fail_fast_with_503_while_postgres_is_down_then_recover(
    fault_stack: FaultStack,
) -> None:
    server, postgres = fault_stack.server, fault_stack.postgres
    token = fault_stack.login("postgres")
    fast_id = fault_stack.fast_id(FAST)
    workers = server.worker_pids()
    assert len(workers) == 2

    # Every worker thread holds a live persistent connection before the restart.
    for _ in range(3):
        for method, path, auth, _body in endpoints(fault_stack, token)[:-1]:
            reply = call(fault_stack, method, path, auth, None)
            assert reply.status == 200, (path, reply.status, reply.body)

    postgres.stop("fast")
    try:
        for _ in range(2):
            reply = server.get("/health/")
            assert reply.seconds < FAIL_FAST_SECONDS, f"/health/ took {reply.seconds:.2f} s"
            assert reply.status == 503, (reply.status, reply.body)
            assert reply.headers["Content-Type"] == "application/json"
            body = reply.json()
            assert body["status"] == "unavailable"
            assert body["database"] == "down"
            assert body["database_error"] == "OperationalError"

            for method, path, auth, payload in endpoints(fault_stack, token):
                reply = call(fault_stack, method, path, auth, payload)
                assert reply.seconds < FAIL_FAST_SECONDS, (path, f"{reply.seconds:.2f} s")
                assert reply.status == 503, (method, path, reply.status, reply.body)
                assert reply.headers["Content-Type"] == "application/json", path
                assert reply.json() == {
                    "detail": "Service temporarily unavailable.",
                    "code": "database_unavailable",
                }, path
                assert reply.headers["Retry-After"].isdigit(), path
    finally:
        postgres.start()

    # Back without restarting gunicorn: the first success comes within the recovery window.
    deadline = time.monotonic() + RECOVERY_SECONDS
    statuses: list[int] = []
    while True:
        reply = server.get("/api/fasts/", token=token)
        statuses.append(reply.status)
        if reply.status == 200:
            break
        assert reply.status == 503, (reply.status, reply.body)
        assert time.monotonic() < deadline, f"still failing after {RECOVERY_SECONDS} s: {statuses}"
        time.sleep(0.25)

    # Then everything answers, on every worker and thread (more requests than threads).
    for _ in range(4):
        assert server.get("/health/").json()["database"] == "ok"
        for method, path, auth, _body in endpoints(fault_stack, token)[:-1]:
            reply = call(fault_stack, method, path, auth, None)
            assert reply.status == 200, (path, reply.status, reply.body, server.log_tail())

    # Writes work too, and the join made while the database was down never landed.
    rows = postgres.query("SELECT count(*) FROM hub_profile_fasts WHERE fast_id = %s", (fast_id,))
    assert rows == [(0,)]
    reply = server.put("/api/fasts/join/", {"fast_id": fast_id}, token=token)
    assert reply.status == 200, (reply.status, reply.body)
    detail = server.get(f"/api/fasts/{fast_id}/", token=token).json()
    assert (detail["joined"], detail["participant_count"]) == (True, 1)
    reply = server.put("/api/fasts/leave/", {"fast_id": fast_id}, token=token)
    assert reply.status == 200, (reply.status, reply.body)

    # Nobody restarted: the same master and the same two workers served throughout.
    assert server.process.poll() is None
    assert server.worker_pids() == workers
