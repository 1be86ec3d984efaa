"""Locust mix for Fasthub: authenticated reads of fasts, stats and participants, plus join/leave.

Run through ``scripts/loadtest`` (which seeds the accounts and starts the server), or by hand:
``locust -f loadtest/locustfile.py --headless -u 25 -r 25 -t 60s --host http://127.0.0.1:8000``.

Every simulated user owns one seeded account (``load-NNNN@loadtest.invalid``, see
``loadtest.seed``): no two users share an account, so a user's join and leave of its own target
fast can never meet another user's and a join is never answered "already part". Requests are
named by endpoint, not by id, so the statistics group per endpoint. Any non-2xx answer is a
failure.

Measurement starts when every user has logged in: the statistics are reset at that moment
(logins hash the password with PBKDF2, about a second of CPU each, and would otherwise dominate
a short run), and the run stops ``LOADTEST_SECONDS`` later. Locust's own ``-t`` is only the
outer bound.

Environment: ``LOADTEST_ACCOUNTS`` (seeded accounts, default 200), ``LOADTEST_SECONDS`` (the
measured window, default 60), ``LOADTEST_WAIT`` (think time range in seconds, default
``0.3-1.5``), ``LOADTEST_TOKENS`` (a directory: each account's tokens are kept there and reused
by later phases of the same run, so an account logs in once per run), ``LOADTEST_READY_FILE``
(written when the measured window starts), ``LOADTEST_FLUSH_REDIS`` (a Redis URL: flush it when
the window starts and again every ``LOADTEST_FLUSH_EVERY`` seconds, default 5; the cold-cache
phase).
"""

import itertools
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
from locust import FastHttpUser, events, task
from locust.env import Environment
from locust.exception import StopUser
from locust.runners import Runner

from loadtest.seed import EMAIL_TEMPLATE, LOAD_PASSWORD

ACCOUNTS = int(os.environ.get("LOADTEST_ACCOUNTS", "200"))
_low, _high = (float(part) for part in os.environ.get("LOADTEST_WAIT", "0.3-1.5").split("-"))
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "60"))
TOKENS = os.environ.get("LOADTEST_TOKENS", "")
_account_numbers = itertools.count()
_ready_users = 0
_failed_starts = 0


def _think_time(_user: Any) -> float:
    return random.uniform(_low, _high)


class FasthubUser(FastHttpUser):
    wait_time = _think_time

    auth_headers: dict[str, str] = {}

    def on_start(self) -> None:
        global _failed_starts
        try:
            self._start()
        except Exception:
            # Counted (the window must still start) and reported; the user stops.
            _failed_starts += 1
            raise
        finally:
            _user_ready(self.environment)

    def _start(self) -> None:
        number = next(_account_numbers)
        if number >= ACCOUNTS:
            raise StopUser(f"only {ACCOUNTS} load accounts are seeded; raise --users of the seed")
        email = EMAIL_TEMPLATE.format(index=number)
        tokens = self._tokens(number=number, email=email)
        self.auth_headers = {"Authorization": f"Bearer {tokens['access']}"}
        fasts = self._json("GET", "/api/fasts/", "/api/fasts/") or []
        if not fasts:
            raise StopUser(f"{email}: the church of this account has no fasts in range")
        self.fast_ids = [fast["id"] for fast in fasts]
        # The join/leave target: an upcoming fast (the seed joined only started ones). If a
        # previous run stopped between the join and the leave, leave it first.
        upcoming = [fast for fast in fasts if fast["current_day_number"] == 0] or fasts
        target = max(upcoming, key=lambda fast: fast["id"])
        self.target_id = target["id"]
        if target["joined"]:
            body = {"fast_id": target["id"]}
            self._json("PUT", "/api/fasts/leave/", "/api/fasts/leave/", json=body)

    def _tokens(self, *, number: int, email: str) -> dict[str, str]:
        """The account's tokens: from an earlier phase of this run, else from /api/token/."""
        path = Path(TOKENS) / f"{number}.json" if TOKENS else None
        if path is not None and path.exists():
            return dict(json.loads(path.read_text(encoding="utf-8")))
        body = {"email": email, "password": LOAD_PASSWORD}
        tokens = self._json("POST", "/api/token/", "/api/token/", json=body)
        if not tokens:
            raise StopUser(f"login failed for {email}")
        if path is not None:
            path.write_text(json.dumps(tokens), encoding="utf-8")
        return dict(tokens)

    def _json(self, method: str, path: str, name: str, **kwargs: Any) -> Any:
        """The decoded JSON body of a 2xx answer; anything else is recorded as a failure."""
        kwargs.setdefault("headers", self.auth_headers)
        with self.client.request(method, path, name=name, catch_response=True, **kwargs) as resp:
            if not 200 <= (resp.status_code or 0) < 300:
                resp.failure(f"{resp.status_code}: {(resp.text or '')[:200]}")
                return None
            try:
                return resp.json()
            except ValueError:
                resp.failure("not JSON")
                return None

    def _fast_id(self) -> int:
        return random.choice(self.fast_ids)

    @task(10)
    def fast_list(self) -> None:
        self._json("GET", "/api/fasts/", "/api/fasts/")

    @task(5)
    def fast_detail(self) -> None:
        self._json("GET", f"/api/fasts/{self._fast_id()}/", "/api/fasts/[id]/")

    @task(4)
    def stats(self) -> None:
        self._json("GET", "/api/fasts/stats/", "/api/fasts/stats/")

    @task(3)
    def participants(self) -> None:
        self._json(
            "GET", f"/api/fasts/{self._fast_id()}/participants/", "/api/fasts/[id]/participants/"
        )

    @task(2)
    def participants_paginated(self) -> None:
        offset = random.choice((0, 0, 10, 20))
        self._json(
            "GET",
            f"/api/fasts/{self._fast_id()}/participants/paginated/?limit=10&offset={offset}",
            "/api/fasts/[id]/participants/paginated/",
        )

    @task(2)
    def by_date(self) -> None:
        self._json("GET", "/api/fasts/by-date/", "/api/fasts/by-date/")

    @task(2)
    def profile(self) -> None:
        self._json("GET", "/api/profile/", "/api/profile/")

    @task(1)
    def join_and_leave(self) -> None:
        body = {"fast_id": self.target_id}
        if self._json("PUT", "/api/fasts/join/", "/api/fasts/join/", json=body) is not None:
            self._json("PUT", "/api/fasts/leave/", "/api/fasts/leave/", json=body)


def _user_ready(environment: Environment) -> None:
    """Count started users (or failed starts); when all are in, start the measured window."""
    global _ready_users
    _ready_users += 1
    runner = environment.runner
    if runner is None or _ready_users != runner.target_user_count:
        return
    login = environment.stats.get("/api/token/", "POST")
    print(
        f"loadtest: all {_ready_users} users ready; logins this phase: {login.num_requests} "
        f"(median {login.median_response_time} ms, max {login.max_response_time:.0f} ms, "
        f"{login.num_failures} failed); users that failed to start: {_failed_starts}",
        file=sys.stderr,
    )
    environment.stats.reset_all()
    ready_file = os.environ.get("LOADTEST_READY_FILE")
    if ready_file:
        Path(ready_file).write_text(f"{time.time()}\n", encoding="utf-8")
    flush_url = os.environ.get("LOADTEST_FLUSH_REDIS")
    if flush_url:
        gevent.spawn(_flush_forever, flush_url, float(os.environ.get("LOADTEST_FLUSH_EVERY", "5")))
    gevent.spawn(_stop_later, runner)


def _flush_forever(url: str, every: float) -> None:
    import redis

    client = redis.Redis.from_url(url)
    while True:
        client.flushall()
        gevent.sleep(every)


def _stop_later(runner: Runner) -> None:
    gevent.sleep(SECONDS)
    runner.quit()


@events.init.add_listener
def _on_init(environment: Environment, **_kwargs: Any) -> None:
    environment.stats.use_response_times_cache = True
