"""Data sets for the cost tests (and any test that needs a realistic world), built with bulk
inserts so large ones stay quick.

A world has one church, a "heavy" user joined to F fasts of D days, one "target" fast with P
participants, and N fasts of the church inside the default list range. Days and memberships go
through the set-based services; the database keeps every stored value (migration 0004).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from hub.models import Church, Fast
from hub.services.fasts import fast_days_add
from hub.services.memberships import memberships_bulk_join
from hub.testing import accounts_bulk_create
from tests.support.factories import make_church, make_user


@dataclass
class World:
    church: Church
    user: User
    target: Fast
    spare: Fast  # a fast nobody joined, for join/leave requests
    today: dt.date

    # What the shared catalogue of reads asks about (tests.support.catalogue.Target).
    @property
    def church_id(self) -> int:
        return int(self.church.pk)

    @property
    def target_fast_id(self) -> int:
        return int(self.target.pk)

    @property
    def target_day(self) -> dt.date:
        assert self.target.first_day is not None
        return self.target.first_day

    @property
    def target_feast_date(self) -> dt.date:
        return self.target.culmination_feast_date or dt.date(2031, 1, 7)


def _fasts_with_days(
    church: Church, *, count: int, days: int, today: dt.date, tag: str
) -> list[Fast]:
    """``count`` fasts of ``days`` consecutive days, spread over past, present and future."""
    fasts = Fast.objects.bulk_create(
        [Fast(name=f"{tag} {i}", church=church, description="d") for i in range(count)]
    )
    rows: list[tuple[int, dt.date]] = []
    for i, fast in enumerate(fasts):
        start = today + dt.timedelta(days=(i % 30) * 10 - 150 - days // 2)
        rows.extend((fast.pk, start + dt.timedelta(days=d)) for d in range(days))
    fast_days_add(days=rows)
    return fasts


def join_all(user: User, fasts: list[Fast]) -> None:
    memberships_bulk_join(pairs=[(user.profile.pk, fast.pk) for fast in fasts])


def add_participants(fast: Fast, count: int) -> None:
    profile_ids = accounts_bulk_create(
        emails=[f"p{fast.pk}-{i}@example.org" for i in range(count)],
        newest_joined=timezone.now() - dt.timedelta(seconds=1),
    )
    memberships_bulk_join(pairs=[(profile_id, fast.pk) for profile_id in profile_ids])


def build_world(
    *,
    fasts_per_user: int = 1,
    days_per_fast: int = 1,
    participants: int = 1,
    fasts_in_range: int = 1,
) -> World:
    today = timezone.now().date()
    church = make_church()
    user = make_user(church=church, name="Heavy User")
    joined = _fasts_with_days(
        church, count=fasts_per_user, days=days_per_fast, today=today, tag="Joined"
    )
    join_all(user, joined)
    target = joined[0]
    if participants > 1:
        add_participants(target, participants - 1)
    if fasts_in_range > 1:
        _fasts_with_days(church, count=fasts_in_range - 1, days=3, today=today, tag="Other")
    spare = _fasts_with_days(church, count=1, days=3, today=today, tag="Spare")[0]
    target.refresh_from_db()
    return World(church=church, user=user, target=target, spare=spare, today=today)
