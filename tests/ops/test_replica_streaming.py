"""The read-replica router against real PostgreSQL streaming replication, through gunicorn.

A primary and a hot standby that replays each commit ``APPLY_DELAY`` seconds late (see
``tests/ops/replica_stack.py``), under the production settings with both URLs set. Proven here:
other callers' reads are served by the standby (they miss a write it has not replayed yet), the
writer reads their own write at once (pinned to the primary), the others see it once the standby
has replayed it, and a standby that is stopped or far behind is skipped without a single error.

Timing is never asserted as a duration: each test polls with a generous timeout and asserts
the order of what it saw (stale from the standby, then fresh). The server has one worker, so the
router's per-process view of the standby is the one every request of a test meets; the pins
still live in Redis, as in production.
"""

import time
from collections.abc import Callable, Iterator

import pytest

from tests.ops.replica_stack import ReplicaStack, replica_stack, served_by
from tests.support.live import Reply, wait_until

# One worker runs them all (scripts/test distributes by group): the stack is built once.
pytestmark = pytest.mark.xdist_group("replica-streaming")

APPLY_DELAY = 3.0
CHECK_SECONDS = 2
MAX_LAG_SECONDS = 7  # above the apply delay, which is the normal lag here
PIN_SECONDS = 10  # the default, above MAX_LAG + CHECK so a used replica has the writer's write
PATIENCE = 45.0  # generous bound for anything that should take a few seconds


@pytest.fixture(scope="module")
def stack() -> Iterator[ReplicaStack]:
    with replica_stack(
        apply_delay=APPLY_DELAY,
        replica_env={
            "REPLICA_CHECK_SECONDS": str(CHECK_SECONDS),
            "REPLICA_MAX_LAG_SECONDS": str(MAX_LAG_SECONDS),
            "REPLICA_PIN_SECONDS": str(PIN_SECONDS),
            "WEB_CONCURRENCY": "1",
        },
    ) as built:
        yield built


def detail(stack: ReplicaStack, fast_id: int, token: str | None = None) -> Reply:
    reply = stack.server.get(f"/api/fasts/{fast_id}/", token=token)
    assert reply.status == 200, (reply.status, reply.body, stack.server.log_tail())
    return reply


def count(reply: Reply) -> int:
    return int(reply.json()["participant_count"])


def poll(read: Callable[[], Reply], until: Callable[[Reply], bool], what: str) -> list[Reply]:
    """Every answer from now until one satisfies ``until`` (included)."""
    seen: list[Reply] = []

    def done() -> bool:
        seen.append(read())
        return until(seen[-1])

    wait_until(done, timeout=PATIENCE, what=what, step=0.1)
    return seen


def standby_in_use(stack: ReplicaStack, fast_id: int) -> None:
    """Wait until the standby has replayed everything and anonymous reads go to it."""
    stack.pair.wait_until_replayed()
    poll(
        lambda: detail(stack, fast_id),
        lambda reply: served_by(reply) == "replica",
        "anonymous reads to be served by the standby",
    )


def join(stack: ReplicaStack, user: str, fast_id: int) -> None:
    reply = stack.server.put("/api/fasts/join/", {"fast_id": fast_id}, token=stack.token(user))
    assert reply.status == 200, (reply.status, reply.body, stack.server.log_tail())


def log_lines(stack: ReplicaStack, text: str) -> int:
    return sum(text in line for line in stack.log().splitlines())


# --- Reads, read-your-writes and the lag --------------------------------------------------------


def test_the_writer_reads_its_write_at_once_others_from_the_standby_after_the_lag(
    stack: ReplicaStack,
) -> None:
    # A machine stalled for seconds can let the standby replay the join before the reads after
    # it (or leave the router without a recent lag check); such a try proves nothing about
    # staleness and is repeated on the next fast.
    for name in ("Delay fast 1", "Delay fast 2", "Delay fast 3"):
        if join_seen_by_writer_at_once_by_others_after_the_lag(stack, stack.fast_id(name)):
            return
    pytest.fail("the standby replayed every join before the next read: machine too slow")


def join_seen_by_writer_at_once_by_others_after_the_lag(stack: ReplicaStack, fast_id: int) -> bool:
    writer, other = stack.token("writer-delay"), stack.token("other")
    standby_in_use(stack, fast_id)
    before = count(detail(stack, fast_id))
    ready = time.monotonic()

    join(stack, "writer-delay", fast_id)
    mine = detail(stack, fast_id, token=writer)
    anonymous = detail(stack, fast_id)
    theirs = detail(stack, fast_id, token=other)
    if time.monotonic() - ready >= APPLY_DELAY or stack.count_on("standby", fast_id) != before:
        return False  # too slow to tell: the reads above may rightly have seen the join

    # The writer: its own join, at once, from the primary (pinned after the write).
    assert mine.json()["joined"] is True
    assert count(mine) == before + 1
    assert served_by(mine) == "primary"
    # Everyone else reads the standby, which has not replayed the join yet.
    assert stack.count_on("primary", fast_id) == before + 1
    for reply in (anonymous, theirs):
        assert served_by(reply) == "replica", reply.headers["Server-Timing"]
        assert count(reply) == before, "a read served by the standby saw an unreplayed write"
    assert theirs.json()["joined"] is False

    # Then they see it, still from the standby, once it has replayed the join.
    seen = poll(
        lambda: detail(stack, fast_id),
        lambda reply: count(reply) == before + 1,
        "another caller to see the join",
    )
    assert all(count(reply) == before for reply in seen[:-1])
    assert all(served_by(reply) == "replica" for reply in seen)
    theirs = detail(stack, fast_id, token=other)
    assert (count(theirs), served_by(theirs)) == (before + 1, "replica")
    # The writer's pin outlives the lag: its join never disappeared for it.
    mine = detail(stack, fast_id, token=writer)
    assert (mine.json()["joined"], count(mine)) == (True, before + 1)
    return True


# --- A standby that is down or far behind ---------------------------------------------------------


def test_a_stopped_standby_is_skipped_without_errors_and_used_again_once_back(
    stack: ReplicaStack,
) -> None:
    fast_id, other = stack.fast_id("Outage fast"), stack.token("other")
    standby_in_use(stack, fast_id)
    warnings = log_lines(stack, "read replica unreachable")
    stack.pair.standby.stop("fast")
    try:
        # Every read answers, from the primary, the first one after the stop included.
        replies = [
            stack.server.get(path, token=token)
            for _ in range(3)
            for path, token in (
                (f"/api/fasts/{fast_id}/", None),
                (f"/api/fasts/{fast_id}/", other),
                ("/api/fasts/stats/", other),
                (f"/api/fasts/{fast_id}/participants/", other),
                ("/api/churches/", None),
            )
        ]
        assert [reply.status for reply in replies] == [200] * len(replies), stack.server.log_tail()
        assert {served_by(reply) for reply in replies} == {"primary"}
        # A write while the standby is away is seen by everyone at once: all read the primary.
        join(stack, "writer-outage", fast_id)
        assert count(detail(stack, fast_id)) == stack.count_on("primary", fast_id)
        # One warning for the outage, not one per request.
        assert log_lines(stack, "read replica unreachable") == warnings + 1
    finally:
        stack.pair.standby.start()

    # Back in use once it answers (within the allowed lag, it may still miss the join for a
    # moment), and then it has the join too.
    joined = stack.count_on("primary", fast_id)
    seen = poll(
        lambda: detail(stack, fast_id),
        lambda reply: served_by(reply) == "replica" and count(reply) == joined,
        "reads to go back to the restarted standby, and find the join there",
    )
    assert all(reply.status == 200 for reply in seen)


def test_a_standby_far_behind_is_skipped_until_it_catches_up(stack: ReplicaStack) -> None:
    fast_id = stack.fast_id("Lag fast")
    standby_in_use(stack, fast_id)
    before = count(detail(stack, fast_id))
    stack.pair.pause_replay()
    try:
        join(stack, "writer-lag", fast_id)
        # Served by the standby, and stale, until its lag passes REPLICA_MAX_LAG_SECONDS (it was
        # in use just before); then from the primary, fresh, while the standby still lacks it.
        seen = poll(
            lambda: detail(stack, fast_id),
            lambda reply: served_by(reply) == "primary",
            "reads to leave the lagging standby",
        )
        assert count(seen[-1]) == before + 1
        assert stack.count_on("standby", fast_id) == before
        assert all(count(reply) == before for reply in seen if served_by(reply) == "replica")
        assert all(reply.status == 200 for reply in seen)
        assert log_lines(stack, "read replica lag") >= 1
    finally:
        stack.pair.resume_replay()

    seen = poll(
        lambda: detail(stack, fast_id),
        lambda reply: served_by(reply) == "replica",
        "reads to go back to the standby once it has caught up",
    )
    assert count(seen[-1]) == before + 1
    assert log_lines(stack, "read replica usable again") >= 1
