"""Replica, measured: how late other users see a write, and where reads are served.

Starts the stack of the replica tests (``tests/ops/replica_stack.py``: a throwaway primary, a
``pg_basebackup -R`` standby, Redis and gunicorn with both database URLs, production settings
and the router's defaults) with pg_stat_statements loaded on both servers, then, for each apply
delay asked for (``recovery_min_apply_delay``, changed on the standby between phases):

* **lag**: a writer joins (or leaves) a fast; from its 200 on, an anonymous caller asks for the
  fast every 10 ms until the participant count changes. The time between is what another user
  waits. The writer's own read right after its write is checked too (pinned to the primary);
* **where reads ran**: pg_stat_statements is reset on both servers, a read mix is sent
  (anonymous and authenticated reads of detail, list, participants, stats), and the statements
  each server executed are counted, split into the application's statements, connection health
  checks (``SELECT 1``) and the router's lag checks. ``Server-Timing`` gives the same split as
  the application saw it.

    scripts/benchmark-replica            # or: python -m benchmarks.replica [--delays 0 2]
"""

import argparse
import statistics
import time
from typing import Any

from tests.ops.replica_stack import TIMING, ReplicaStack, replica_stack, served_by
from tests.support.live import PostgresCluster, Reply

POLL_SECONDS = 0.01


def _detail(stack: ReplicaStack, fast_id: int, token: str | None = None) -> Reply:
    reply = stack.server.get(f"/api/fasts/{fast_id}/", token=token)
    assert reply.status == 200, (reply.status, reply.body)
    return reply


def _lags(stack: ReplicaStack, writes: int) -> tuple[list[float], int]:
    """Seconds until an anonymous reader sees each write; writes the writer saw at once."""
    fast_id, writer = stack.fast_id("Measured"), stack.token("writer-measured")
    lags, own = [], 0
    for index in range(writes):
        stack.pair.wait_until_replayed()
        before = int(_detail(stack, fast_id).json()["participant_count"])
        path = "/api/fasts/join/" if index % 2 == 0 else "/api/fasts/leave/"
        reply = stack.server.put(path, {"fast_id": fast_id}, token=writer)
        assert reply.status == 200, (reply.status, reply.body)
        written = time.monotonic()
        mine = _detail(stack, fast_id, token=writer)
        own += int(mine.json()["participant_count"] != before and served_by(mine) == "primary")
        while True:
            seen = _detail(stack, fast_id)
            if int(seen.json()["participant_count"]) != before:
                lags.append(time.monotonic() - written)
                assert served_by(seen) == "replica", seen.headers["Server-Timing"]
                break
            if time.monotonic() - written > 60:
                raise AssertionError("the write never reached the standby")
            time.sleep(POLL_SECONDS)
    return lags, own


def _statements(cluster: PostgresCluster) -> dict[str, int]:
    rows = cluster.query(
        "SELECT query, calls FROM pg_stat_statements"
        " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    split = {"application": 0, "health checks": 0, "lag checks": 0}
    for query, calls in rows:
        text = " ".join(str(query).split())
        if "pg_stat_statements" in text or text.startswith("SELECT participant_count FROM"):
            continue  # this measurement's own queries
        if "pg_current_wal_lsn()" in text or "pg_last_wal_replay_lsn()" in text:
            split["lag checks"] += int(calls)
        elif text == "SELECT $1":
            split["health checks"] += int(calls)
        else:
            split["application"] += int(calls)
    return split


def _read_mix(stack: ReplicaStack, rounds: int) -> dict[str, Any]:
    for cluster in (stack.pair.primary, stack.pair.standby):
        cluster.query("SELECT pg_stat_statements_reset()")
    fast_id, other = stack.fast_id("Delay fast 1"), stack.token("other")
    church = stack.seed["church_id"]
    calls = [
        (f"/api/fasts/{fast_id}/", None),
        (f"/api/fasts/{fast_id}/", other),
        (f"/api/fasts/?church_id={church}", None),
        (f"/api/fasts/{fast_id}/participants/", other),
        ("/api/fasts/stats/", other),
    ]
    requests, by_replica, by_primary, on_replica, in_all = 0, 0, 0, 0, 0
    started = time.monotonic()
    for _ in range(rounds):
        for path, token in calls:
            reply = stack.server.get(path, token=token)
            assert reply.status == 200, (path, reply.status, reply.body)
            requests += 1
            where = served_by(reply)
            timing = TIMING.search(reply.headers["Server-Timing"])
            assert timing, reply.headers["Server-Timing"]
            in_all += int(timing[1])
            on_replica += int(timing[2] or 0)
            by_replica += where == "replica"
            by_primary += where == "primary"
    seconds = time.monotonic() - started
    return {
        "requests": requests,
        "seconds": seconds,
        "served by replica": by_replica,
        "served by primary": by_primary,
        "statements": in_all,
        "statements on replica": on_replica,
        "primary": _statements(stack.pair.primary),
        "standby": _statements(stack.pair.standby),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delays", type=float, nargs="+", default=[0.0, 2.0])
    parser.add_argument("--writes", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=100, help="read-mix rounds of 5 requests")
    args = parser.parse_args()

    with replica_stack(
        apply_delay=args.delays[0], replica_env={"WEB_CONCURRENCY": "2"}, statements=True
    ) as stack:
        print(f"PostgreSQL: {stack.pair.primary.query('SHOW server_version')[0][0]}")
        for delay in args.delays:
            stack.pair.set_apply_delay(delay)
            print(f"\n## recovery_min_apply_delay = {delay:g} s")
            lags, own = _lags(stack, args.writes)
            print(
                f"another user sees a write after (s): min {min(lags):.3f}, "
                f"median {statistics.median(lags):.3f}, max {max(lags):.3f} "
                f"({len(lags)} writes)"
            )
            print(f"the writer saw its own write at once, from the primary: {own}/{len(lags)}")
            mix = _read_mix(stack, args.rounds)
            print(
                f"read mix: {mix['requests']} requests in {mix['seconds']:.1f} s; Server-Timing: "
                f"{mix['served by replica']} served by the replica, "
                f"{mix['served by primary']} by the primary; "
                f"{mix['statements']} statements, {mix['statements on replica']} on the replica"
            )
            print(f"statements on the primary: {mix['primary']}")
            print(f"statements on the standby: {mix['standby']}")


if __name__ == "__main__":
    main()
