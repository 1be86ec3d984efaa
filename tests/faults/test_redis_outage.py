"""Redis goes away while Fasthub serves: every request still answers from the database.

Two faults: Redis stopped (connections refused) and Redis frozen (SIGSTOP: connections accepted,
replies never come, so only the client's socket timeouts end the wait). Each request must answer
within FAIL_FAST_SECONDS (HUNG_CACHE_SECONDS while it hangs), a bound on waiting for a dead cache,
not a performance claim. When Redis is back, answers stay fresh: entries cached before the
outage must not be served after changes made during it.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.faults import FaultStack
from tests.support.live import Reply

pytestmark = pytest.mark.faults

FAIL_FAST_SECONDS = 2.0
# A hung Redis costs each cache operation its full 0.25 s socket timeout, and a cold fast list
# makes six (get, lock, set for the shared list and for the caller's joined ids): 1.5 s of waiting.
HUNG_CACHE_SECONDS = 2.5
FAST = "Redis fast"


class Client:
    """One authenticated user of the stack, checking every answer as it goes."""

    def __init__(self, stack: FaultStack, token: str) -> None:
        self.bound = FAIL_FAST_SECONDS
        self.stack = stack
        self.token = token
        self.fast_id = stack.fast_id(FAST)
        self.profile_id = stack.user("redis")["profile_id"]
        self.requests = 0

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        reply: Reply = self.stack.server.call(method, path, token=self.token, body=body)
        self.requests += 1
        assert reply.status == 200, (method, path, reply.status, reply.body, self.log())
        assert reply.seconds < self.bound, (method, path, f"{reply.seconds:.2f} s")
        return reply.json()

    def log(self) -> str:
        return self.stack.server.log_tail()

    def listed(self) -> dict[str, Any]:
        (row,) = [row for row in self.ok("GET", "/api/fasts/") if row["id"] == self.fast_id]
        return dict(row)

    def participant_ids(self) -> list[int]:
        rows = self.ok("GET", f"/api/fasts/{self.fast_id}/participants/?limit=100")
        return [row["id"] for row in rows]

    def assert_state(self, *, joined: bool, count: int) -> None:
        listed = self.listed()
        assert (listed["joined"], listed["participant_count"]) == (joined, count)
        detail = self.ok("GET", f"/api/fasts/{self.fast_id}/")
        assert (detail["joined"], detail["participant_count"]) == (joined, count)
        stats = self.ok("GET", "/api/fasts/stats/")
        assert (self.fast_id in stats["joined_fasts"]) is joined
        assert (self.profile_id in self.participant_ids()) is joined

    def join(self) -> None:
        assert self.ok("PUT", "/api/fasts/join/", {"fast_id": self.fast_id}) == {}

    def leave(self) -> None:
        reply = self.ok("PUT", "/api/fasts/leave/", {"fast_id": self.fast_id})
        assert reply == {"detail": "Successfully left the fast."}


@pytest.fixture
def client(fault_stack: FaultStack) -> Iterator[Client]:
    client = Client(fault_stack, fault_stack.login("redis"))
    if client.listed()["joined"]:  # a failed earlier run on this stack left it joined
        client.leave()
    yield client
    # Whatever happened, leave Redis running and answering for the next test.
    redis = fault_stack.redis
    if redis.process is not None and redis.process.poll() is None:
        redis.thaw()
    else:
        redis.start()


def health(stack: FaultStack) -> dict[str, Any]:
    reply = stack.server.get("/health/")
    assert reply.status == 200, (reply.status, reply.body)
    assert reply.seconds < FAIL_FAST_SECONDS, f"{reply.seconds:.2f} s"
    return dict(reply.json())


def warm(client: Client) -> int:
    """Fill the cache with the current (not joined) state; the participant count it shows."""
    count = client.listed()["participant_count"]
    for _ in range(2):
        client.assert_state(joined=False, count=count)
    return int(count)


def test_requests_succeed_while_redis_is_stopped_and_stay_fresh_after(
    fault_stack: FaultStack, client: Client
) -> None:
    assert health(fault_stack)["cache"] == "ok"
    count = warm(client)

    fault_stack.redis.stop()
    body = health(fault_stack)
    assert body == {"status": "ok", "database": "ok", "cache": "down"}

    before = client.requests
    for _ in range(3):
        client.join()
        client.assert_state(joined=True, count=count + 1)
        client.leave()
        client.assert_state(joined=False, count=count)
    client.join()
    client.assert_state(joined=True, count=count + 1)
    assert client.requests - before >= 20

    fault_stack.redis.start()
    assert health(fault_stack)["cache"] == "ok"
    client.assert_state(joined=True, count=count + 1)
    client.leave()
    client.assert_state(joined=False, count=count)
    client.join()
    client.assert_state(joined=True, count=count + 1)
    client.leave()
    client.assert_state(joined=False, count=count)


def test_requests_succeed_while_redis_hangs_and_old_entries_are_not_served_after(
    fault_stack: FaultStack, client: Client
) -> None:
    """A hung Redis keeps its data: the entries cached before the hang exist when it resumes."""
    count = warm(client)

    fault_stack.redis.freeze()
    client.bound = HUNG_CACHE_SECONDS
    body = health(fault_stack)
    assert body == {"status": "ok", "database": "ok", "cache": "down"}
    client.join()
    client.assert_state(joined=True, count=count + 1)
    client.leave()
    client.assert_state(joined=False, count=count)
    client.join()
    client.assert_state(joined=True, count=count + 1)

    # The not-joined answers cached before the hang are still in Redis now.
    fault_stack.redis.thaw()
    client.bound = FAIL_FAST_SECONDS
    assert health(fault_stack)["cache"] == "ok"
    client.assert_state(joined=True, count=count + 1)
    client.leave()
    client.assert_state(joined=False, count=count)
