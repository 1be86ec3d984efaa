"""``participant_count`` stays exact under concurrent joins and leaves."""

import threading

import pytest
from django.db import connection, connections

from hub.models import Membership
from hub.services.memberships import fast_join, fast_leave
from tests.support.factories import ChurchFactory, make_fast, make_user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_and_leaves_keep_the_counter_exact() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises writers; concurrency is proven on PostgreSQL (CI's second run)"
        )
    church = ChurchFactory()
    fast = make_fast(church=church, start=None, days=0)
    users = [make_user(church=church) for _ in range(24)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(users))

    def run(action, user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            action(profile=user.profile, fast_id=fast.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def race(action, group) -> None:  # type: ignore[no-untyped-def]
        nonlocal barrier
        barrier = threading.Barrier(len(group))
        threads = [threading.Thread(target=run, args=(action, u)) for u in group]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    race(fast_join, users)
    race(fast_leave, users[:10])
    race(fast_join, users[:5])

    assert not errors, errors
    fast.refresh_from_db()
    members = Membership.objects.filter(fast=fast)
    assert members.count() == fast.participant_count == 24 - 10 + 5
    assert members.values("profile").distinct().count() == members.count()
