"""A live Fasthub reading from a real streaming standby, for the replica tests and measurement.

``replica_stack`` starts, in temporary directories on free loopback ports: a throwaway primary
and a hot standby made from it with ``pg_basebackup -R`` that replays each commit no sooner
than ``apply_delay`` seconds after the primary made it (``recovery_min_apply_delay``, so the
lag is long enough to watch), a throwaway Redis for the cache and the writers' pins, and
gunicorn with the production settings, ``DATABASE_URL`` = primary and
``DATABASE_REPLICA_URL`` = standby. The database is migrated and seeded on the primary (run as
a module, this file is the seed) and the server starts once the standby has replayed it all.
Everything is stopped and removed on exit.

Where a read was served shows in two ways: in the data (a write the standby has not replayed
yet is missing from the answer) and in ``Server-Timing`` (statements on the ``replica`` alias).
"""

import datetime as dt
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.live import (
    Reply,
    Seeded,
    StreamingPair,
    migrate,
    missing_tool,
    postgres_bin_dir,
    run_seed,
    server_env,
    start_gunicorn,
    streaming_pair,
    throwaway_redis,
)

FASTS = ("Delay fast 1", "Delay fast 2", "Delay fast 3", "Outage fast", "Lag fast", "Measured")
USERS = ("writer-delay", "writer-outage", "writer-lag", "writer-measured", "other")
TIMING = re.compile(r'desc="(\d+) queries(?:, (\d+) on replica)?"')


def served_by(reply: Reply) -> str:
    """``replica``, ``primary`` or ``both``: where the request's statements ran."""
    match = TIMING.search(reply.headers.get("Server-Timing", ""))
    assert match, f"no statement count in Server-Timing: {reply.headers.get('Server-Timing')}"
    total, on_replica = int(match[1]), int(match[2] or 0)
    if on_replica == 0:
        return "primary"
    return "replica" if on_replica == total else "both"


@dataclass
class ReplicaStack(Seeded):
    pair: StreamingPair

    def token(self, user: str) -> str:
        return str(self.seed["tokens"][user])

    def count_on(self, server: str, fast_id: int) -> int:
        """``participant_count`` of a fast, read directly on ``primary`` or ``standby``."""
        cluster = self.pair.primary if server == "primary" else self.pair.standby
        ((count,),) = cluster.query(
            "SELECT participant_count FROM hub_fast WHERE id = %s", (fast_id,)
        )
        return int(count)

    def log(self) -> str:
        return self.server.stderr.read_text(errors="replace")


@contextmanager
def replica_stack(
    *, apply_delay: float, replica_env: dict[str, str], statements: bool = False
) -> Iterator[ReplicaStack]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None or not (bin_dir / "pg_basebackup").exists():
        missing_tool("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed")
    workdir = Path(tempfile.mkdtemp(prefix="fasthub-replica-server-"))
    try:
        with (
            streaming_pair(
                bin_dir, database="fasthub_replica", apply_delay=apply_delay, statements=statements
            ) as pair,
            throwaway_redis() as redis,
        ):
            env = server_env(workdir, database_url=pair.primary.url, redis_url=redis.url)
            migrate(env)
            seed = run_seed(env, "tests.ops.replica_stack")
            pair.wait_until_replayed()
            replica = {"DATABASE_REPLICA_URL": pair.standby.url, "SERVER_TIMING": "true"}
            with start_gunicorn({**env, **replica, **replica_env}, workdir) as server:
                yield ReplicaStack(pair=pair, redis=redis, server=server, seed=seed)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# --- Seed (run in the server's environment, on the primary) ----------------------------------


def seed() -> dict[str, Any]:
    """The church, one fast per scenario and an access token per user. The tokens were issued
    a minute ago, so none reads the primary for being brand new (``REPLICA_PIN_SECONDS`` after
    a login); nobody has written anything yet."""
    import django

    django.setup()

    from django.contrib.auth.models import User
    from rest_framework_simplejwt.tokens import AccessToken

    from hub.models import Church, Profile
    from hub.services.fasts import fast_create_from_range

    church = Church.objects.create(name="Replica")
    today = dt.date.today()
    fasts = {
        name: fast_create_from_range(
            name=name,
            church=church,
            first_date=today + dt.timedelta(days=index),
            number_of_days=3,
            description="Replica test fast.",
        ).pk
        for index, name in enumerate(FASTS)
    }
    tokens = {}
    for name in USERS:
        email = f"{name}@replica.example.org"
        user = User.objects.create_user(username=email, email=email, password=None)
        Profile.objects.filter(user=user).update(church=church)
        token = AccessToken.for_user(user)
        token.set_iat(at_time=token.current_time - dt.timedelta(minutes=1))
        tokens[name] = str(token)
    return {"church_id": church.pk, "fasts": fasts, "tokens": tokens}


if __name__ == "__main__":
    print(json.dumps(seed()))
    sys.exit(0)
