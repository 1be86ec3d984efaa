"""The read-replica router: where each read goes, decided per request, with read-your-writes.

The ``replica`` alias is added for these tests only, as a second connection to the same test
database (what ``TEST: {"MIRROR": "default"}`` means), so data is identical and only the alias a
query ran on tells the routing apart. Request-flow tests run outside the per-test transaction
(``transaction=True``): inside a transaction every read belongs on the primary by design.

How the router judges a replica's lag is tested here on the numbers a check reads; against a
real streaming standby (stopped, paused, delayed) in ``test_replica_streaming.py``.
"""

import copy
import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from hub.db_routers import (
    PRIMARY,
    REPLICA,
    PrimaryReplicaRouter,
    ReplicaHealth,
    replica_health,
    replica_pin_key,
    use_primary,
)
from hub.models import Church, Fast
from tests.support.factories import PASSWORD, make_church, make_fast, make_user
from tests.support.processes import clean_env, settings_json

PIN_MIDDLEWARE = "hub.db_routers.ReplicaPinMiddleware"


@pytest.fixture(scope="module")
def replica_alias(django_db_setup: None) -> Iterator[None]:
    """The ``replica`` alias, added before the tests' database access is set up (which checks
    the aliases a test may use), as a mirror of the already created test database."""
    mirror = copy.deepcopy(connections.settings[PRIMARY])
    mirror["TEST"] = {"MIRROR": PRIMARY}
    connections.settings[REPLICA] = mirror
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_alias: None, settings: Any) -> None:
    """The router and the pin middleware installed, as settings do with DATABASE_REPLICA_URL."""
    settings.DATABASE_ROUTERS = ["hub.db_routers.PrimaryReplicaRouter"]
    settings.MIDDLEWARE = [settings.MIDDLEWARE[0], PIN_MIDDLEWARE, *settings.MIDDLEWARE[1:]]
    settings.REPLICA_PIN_SECONDS = 10
    replica_health.reset()


# Request flows read outside the per-test transaction and may use both aliases.
flow = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


def seasoned_client(user: User) -> APIClient:
    """A client whose access token was issued a minute ago (not a just-logged-in caller)."""
    token = AccessToken.for_user(user)
    token.set_iat(at_time=token.current_time - dt.timedelta(minutes=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


class Routed:
    """The statements one block ran on the primary and on the replica."""

    def __enter__(self) -> "Routed":
        self._primary = CaptureQueriesContext(connections[PRIMARY])
        self._replica = CaptureQueriesContext(connections[REPLICA])
        self._primary.__enter__()
        self._replica.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._replica.__exit__(*exc)
        self._primary.__exit__(*exc)

    @property
    def primary(self) -> int:
        return len(self._primary)

    @property
    def replica(self) -> int:
        return len(self._replica)


# --- Router decisions --------------------------------------------------------------------------


def test_without_a_replica_alias_everything_reads_the_primary() -> None:
    """Settings without DATABASE_REPLICA_URL never install the router; if one is installed
    anyway (a replica removed from settings), it still reads the primary."""
    had_alias = connections.settings.pop(REPLICA, None)
    try:
        assert PrimaryReplicaRouter().db_for_read(Fast) == PRIMARY
    finally:
        if had_alias is not None:
            connections.settings[REPLICA] = had_alias


@flow
@pytest.mark.usefixtures("replica")
def test_reads_go_to_the_replica_writes_to_the_primary() -> None:
    router = PrimaryReplicaRouter()
    assert not connections[PRIMARY].in_atomic_block
    assert router.db_for_read(Fast) == REPLICA
    assert router.db_for_write(Fast) == PRIMARY
    assert router.allow_migrate(PRIMARY, "hub") is True
    assert router.allow_migrate(REPLICA, "hub") is False


@flow
@pytest.mark.usefixtures("replica")
def test_reads_inside_a_transaction_or_a_pinned_request_use_the_primary() -> None:
    router = PrimaryReplicaRouter()
    token = use_primary.set(True)
    try:
        assert router.db_for_read(Fast) == PRIMARY
    finally:
        use_primary.reset(token)
    assert router.db_for_read(Fast) == REPLICA


@flow
@pytest.mark.usefixtures("replica")
def test_reads_inside_a_transaction_use_the_primary() -> None:
    router = PrimaryReplicaRouter()
    with transaction.atomic():
        assert router.db_for_read(Fast) == PRIMARY
        # The ORM asks the router too: a read in a transaction sees the transaction's writes.
        church = Church.objects.create(name="In transaction")
        assert Church.objects.get(pk=church.pk).name == "In transaction"
    assert router.db_for_read(Fast) == REPLICA


# --- Replica lag, judged from what a check reads ----------------------------------------------
# Positions are WAL byte offsets; times are the monotonic clock; check every 5 s, 5 s allowed.


@pytest.fixture
def health(settings: Any) -> ReplicaHealth:
    settings.REPLICA_CHECK_SECONDS = 5
    settings.REPLICA_MAX_LAG_SECONDS = 5
    return ReplicaHealth()


def check(
    health: ReplicaHealth, now: float, primary: int, replayed: int, replay_age: float = 0.0
) -> tuple[str, float | None]:
    health.record(
        now,
        primary_position=primary,
        in_recovery=True,
        replayed=replayed,
        replay_age=replay_age,
    )
    return health.state, health.lag


def test_an_idle_primary_never_makes_the_replica_look_behind(health: ReplicaHealth) -> None:
    # Nothing written for an hour: the replica's newest replayed commit is an hour old, yet it
    # has replayed everything there is.
    assert check(health, 0.0, 100, 100, replay_age=3600) == ("ok", 0.0)
    assert check(health, 5.0, 100, 100, replay_age=3605) == ("ok", 0.0)
    assert health.usable


def test_the_lag_is_how_long_the_replica_has_lacked_what_the_primary_wrote(
    health: ReplicaHealth,
) -> None:
    assert check(health, 0.0, 100, 100) == ("ok", 0.0)
    assert check(health, 5.0, 200, 100) == ("ok", 0.0)  # written since the last check
    assert check(health, 10.0, 300, 150) == ("ok", 5.0)  # still lacks what it lacked at 5 s
    assert check(health, 15.0, 300, 200) == ("ok", 5.0)  # has 200 (5 s), lacks 300 (10 s)
    assert check(health, 20.0, 300, 300) == ("ok", 0.0)  # caught up


def test_a_replica_that_stops_replaying_is_skipped_then_used_again(
    health: ReplicaHealth,
) -> None:
    assert check(health, 0.0, 100, 100) == ("ok", 0.0)
    assert check(health, 5.0, 200, 100) == ("ok", 0.0)
    assert check(health, 10.0, 300, 100) == ("ok", 5.0)
    assert check(health, 15.0, 400, 100) == ("lagging", 10.0)
    assert not health.usable
    assert check(health, 20.0, 500, 500) == ("ok", 0.0)
    assert health.usable


def test_a_steady_lag_is_seen_whatever_the_check_rhythm(health: ReplicaHealth) -> None:
    """A replica always 12 s behind a primary that writes all the time: every check after the
    first few says so, it never looks caught up in between."""
    seen = []
    for step in range(12):
        now = 5.0 * step
        seen.append(check(health, now, primary=int(now * 10) + 10, replayed=int(now * 10) - 110))
    assert all(state == "lagging" and lag is not None and lag >= 10 for state, lag in seen[3:])


def test_without_a_recent_check_the_replica_is_judged_by_its_own_clock(
    health: ReplicaHealth,
) -> None:
    # Process start, replica behind: its newest replayed commit says how far, at most.
    assert check(health, 0.0, 200, 100, replay_age=2.0) == ("ok", 2.0)
    assert check(ReplicaHealth(), 0.0, 200, 100, replay_age=60.0) == ("lagging", 60.0)
    # A standby that has replayed no commit since it started cannot say: skipped until a check
    # sees it catch up.
    unknown = ReplicaHealth()
    unknown.record(0.0, primary_position=200, in_recovery=True, replayed=100, replay_age=None)
    assert (unknown.state, unknown.lag) == ("lagging", None)
    assert check(unknown, 5.0, 200, 200) == ("ok", 0.0)
    # Caught up, then no read for a minute: the history says nothing about when the primary
    # wrote what the replica now lacks.
    assert check(unknown, 65.0, 300, 250, replay_age=40.0) == ("lagging", 40.0)
    # While checks follow each other, the history decides.
    assert check(unknown, 70.0, 300, 300, replay_age=0.5) == ("ok", 0.0)
    assert check(unknown, 75.0, 400, 300, replay_age=40.0) == ("ok", 0.0)


def test_a_server_not_in_recovery_has_no_lag(health: ReplicaHealth) -> None:
    health.record(0.0, primary_position=200, in_recovery=False, replayed=None, replay_age=None)
    assert (health.state, health.lag, health.usable) == ("ok", 0.0, True)


# --- Request flow ------------------------------------------------------------------------------


@flow
@pytest.mark.usefixtures("replica")
def test_read_your_writes_pins_the_writer_and_only_the_writer(settings: Any) -> None:
    church = make_church()
    fast = make_fast(church=church, start=dt.date.today(), days=3)
    writer, other = make_user(church=church), make_user(church=church)
    writer_client, other_client = seasoned_client(writer), seasoned_client(other)

    with Routed() as routed:
        response = writer_client.get("/api/fasts/stats/")
    assert response.status_code == 200
    assert response.json()["joined_fasts"] == []
    assert routed.replica > 0 and routed.primary == 0

    with Routed() as routed:
        response = writer_client.put("/api/fasts/join/", {"fast_id": fast.pk}, format="json")
    assert response.status_code == 200
    assert routed.primary > 0 and routed.replica == 0  # a write request reads the primary too

    with Routed() as routed:
        response = writer_client.get("/api/fasts/stats/")
    assert response.status_code == 200
    assert response.json()["joined_fasts"] == [fast.pk]
    assert routed.primary > 0 and routed.replica == 0  # the writer reads its own write

    with Routed() as routed:
        response = other_client.get(f"/api/fasts/{fast.pk}/participants/")
    assert response.status_code == 200
    assert routed.replica > 0 and routed.primary == 0  # everyone else still reads the replica

    # When the pin expires, the writer goes back to the replica.
    settings.REPLICA_PIN_SECONDS = 1
    from django.core.cache import cache

    cache.set(replica_pin_key(user_id=writer.pk), 1, timeout=1)
    time.sleep(1.5)
    with Routed() as routed:
        response = writer_client.get("/api/fasts/stats/")
    assert response.status_code == 200
    assert routed.replica > 0 and routed.primary == 0


@flow
@pytest.mark.usefixtures("replica")
def test_a_freshly_issued_token_reads_the_primary() -> None:
    """Right after register/login the user row may not be on the replica yet."""
    user = make_user(church=make_church())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    with Routed() as routed:
        response = client.get("/api/profile/")
    assert response.status_code == 200
    assert routed.primary > 0 and routed.replica == 0


@flow
@pytest.mark.usefixtures("replica")
def test_anonymous_reads_use_the_replica_and_logins_the_primary() -> None:
    make_church(name="Replicated")
    with Routed() as routed:
        response = APIClient().get("/api/churches/")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Replicated"]
    assert routed.replica > 0 and routed.primary == 0
    # The request's cost counts the replica's statements too, and says where they ran.
    assert response["Server-Timing"].endswith(
        f'desc="{routed.replica} queries, {routed.replica} on replica"'
    ), response["Server-Timing"]

    user = make_user()
    with Routed() as routed:
        response = APIClient().post(
            "/api/token/",
            {"email": user.email, "password": PASSWORD},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert routed.primary > 0 and routed.replica == 0


@flow
@pytest.mark.usefixtures("replica")
def test_an_invalid_token_reads_nothing_and_answers_401() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = client.get("/api/fasts/stats/")
    assert response.status_code == 401
    assert "detail" in response.json()


# --- Settings wiring ---------------------------------------------------------------------------


def test_settings_add_the_replica_only_when_configured() -> None:
    expression = (
        "{'aliases': sorted(s.DATABASES), "
        "'mirror': s.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'), "
        "'routers': list(getattr(s, 'DATABASE_ROUTERS', [])), "
        f"'pin': {PIN_MIDDLEWARE!r} in s.MIDDLEWARE, 'seconds': s.REPLICA_PIN_SECONDS}}"
    )

    def wiring(**extra: str) -> dict[str, Any]:
        env = clean_env(DJANGO_SETTINGS_MODULE="config.settings.test", **extra)
        return dict(settings_json(env, expression))

    off = wiring()
    assert off == {
        "aliases": ["default"],
        "mirror": None,
        "routers": [],
        "pin": False,
        "seconds": 10,
    }
    on = wiring(
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/fasthub",
        REPLICA_PIN_SECONDS="5",
    )
    assert on == {
        "aliases": ["default", "replica"],
        "mirror": "default",
        "routers": ["hub.db_routers.PrimaryReplicaRouter"],
        "pin": True,
        "seconds": 5,
    }
