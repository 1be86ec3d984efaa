"""``participant_count`` stays exact under concurrent joins and leaves."""

from collections.abc import Callable, Sequence
from functools import partial

import pytest
from django.contrib.auth.models import User
from django.db import connection

from hub.models import Fast, Membership
from hub.services.memberships import fast_join, fast_leave
from tests.support.concurrency import run_at_once
from tests.support.factories import make_church, make_fast, make_user


def _race(action: Callable[..., None], users: Sequence[User], fast: Fast) -> None:
    """Every user takes ``action`` on ``fast`` at the same moment."""
    run_at_once([partial(action, profile=user.profile, fast_id=fast.pk) for user in users])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_and_leaves_keep_the_counter_exact() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises writers; concurrency is proven on PostgreSQL (CI's second run)"
        )
    church = make_church()
    fast = make_fast(church=church, start=None, days=0)
    users = [make_user(church=church) for _ in range(24)]

    _race(fast_join, users, fast)
    _race(fast_leave, users[:10], fast)
    _race(fast_join, users[:5], fast)

    fast.refresh_from_db()
    members = Membership.objects.filter(fast=fast)
    assert members.count() == fast.participant_count == 24 - 10 + 5
    assert members.values("profile").distinct().count() == members.count()
