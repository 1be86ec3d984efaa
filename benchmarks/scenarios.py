"""The data sets the benchmark measures, built with set-based inserts so the largest stays quick.

A scenario has one church and a "heavy" user joined to F fasts of D consecutive days each. All
F fasts lie inside the fast list's default range (today-180 .. today+180): about half are over,
one is in progress (the "target" fast), the rest are to come. The target fast has P participants,
the heavy user included. Days and memberships go through the set-based services; the database
keeps every stored value (migration 0004).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from hub.models import Church, Fast, Profile
from hub.services.fasts import fast_days_add
from hub.services.memberships import memberships_bulk_join
from hub.testing import accounts_bulk_create

# Half-width of the fast list's default date range (docs/API.md §3.5).
LIST_HALF_RANGE_DAYS = 180
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Scenario:
    fasts: int
    days: int
    participants: int
    series: tuple[str, ...]  # "fd" (fasts x days), "p" (participants), "ongoing"
    # Every joined fast in progress today (the stats' worst case), not one of them.
    all_in_progress: bool = False

    @property
    def key(self) -> str:
        ongoing = " all in progress" if self.all_in_progress else ""
        return f"F={self.fasts} D={self.days} P={self.participants}{ongoing}"

    @property
    def label(self) -> str:
        ongoing = ", all in progress" if self.all_in_progress else ""
        return f"F={self.fasts}, D={self.days}, P={self.participants:,}{ongoing}"


# The performance report's sizes. The participant series keeps F=5, D=20, so its first point is
# the first point of the fasts x days series.
FULL_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(5, 20, 10, ("fd", "p")),
    Scenario(25, 20, 10, ("fd",)),
    Scenario(100, 20, 10, ("fd",)),
    Scenario(100, 25, 10, ("fd",)),
    Scenario(200, 40, 10, ("fd",)),
    Scenario(5, 20, 100, ("p",)),
    Scenario(5, 20, 1_000, ("p",)),
    Scenario(5, 20, 10_000, ("p",)),
    Scenario(5, 20, 100_000, ("p",)),
    # The stats' worst case: a faithful member's 200 fasts all in progress today.
    Scenario(200, 40, 10, ("ongoing",), all_in_progress=True),
)
QUICK_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(5, 20, 10, ("fd", "p")),
    Scenario(25, 20, 10, ("fd",)),
    Scenario(5, 20, 100, ("p",)),
    Scenario(25, 20, 10, ("ongoing",), all_in_progress=True),
)


@dataclass(frozen=True)
class ScenarioData:
    church_id: int
    user: User
    access_token: str
    target_fast_id: int
    target_day: dt.date  # the target fast's first day
    target_feast_date: dt.date
    today: dt.date


def _starts(count: int, first: int, last: int) -> list[int]:
    """``count`` day offsets spread evenly over [first, last] (distinct while there is room)."""
    if count <= 0:
        return []
    if count == 1:
        return [first]
    span = max(last - first, 0)
    return [first + round(i * span / (count - 1)) for i in range(count)]


def fast_start_offsets(*, fasts: int, days: int) -> tuple[list[int], int]:
    """Start offsets from today of all fasts, and the index of the one in progress.

    Fasts before the target end before today, fasts after it start after today, so exactly one
    fast is in progress and every fast has a day inside today-180 .. today+180.
    """
    past = (fasts - 1) // 2
    future = fasts - 1 - past
    reach = LIST_HALF_RANGE_DAYS
    before = _starts(past, -reach, -days)
    ongoing = -(days // 2)
    after = _starts(future, 1, reach + 1 - days)
    return [*before, ongoing, *after], past


def scenario_build(scenario: Scenario) -> ScenarioData:
    """Create the scenario's rows in the current (empty) database."""
    today = timezone.now().date()
    now = timezone.now()
    church = Church.objects.create(name="Benchmark church")
    heavy = User.objects.create(
        username="heavy@example.org",
        email="heavy@example.org",
        password=UNUSABLE_PASSWORD_PREFIX,  # no login: the benchmark signs its own tokens
        date_joined=now - dt.timedelta(days=3650),
    )
    Profile.objects.filter(user=heavy).update(church=church, name="Heavy", location="Benchmark")

    offsets, target_index = fast_start_offsets(fasts=scenario.fasts, days=scenario.days)
    if scenario.all_in_progress:
        # Each fast starts a day later than the one before, all of them spanning today.
        offsets = [-(scenario.days // 2) - i % (scenario.days // 2) for i in range(scenario.fasts)]
    feast_dates: set[dt.date] = set()
    new_fasts: list[Fast] = []
    for i, offset in enumerate(offsets):
        start = today + dt.timedelta(days=offset)
        feast = start + dt.timedelta(days=scenario.days)
        if scenario.all_in_progress:  # starts repeat: spread the feasts instead
            feast = today + dt.timedelta(days=scenario.days + i)
        unique_feast = feast not in feast_dates
        feast_dates.add(feast)
        new_fasts.append(
            Fast(
                name=f"Fast {i}",
                church=church,
                description="A fast of the benchmark.",
                culmination_feast=f"Feast {i}" if unique_feast else None,
                culmination_feast_date=feast if unique_feast else None,
                url="https://example.org/fast",
            )
        )
    fasts = Fast.objects.bulk_create(new_fasts)
    fast_days_add(
        days=[
            (fast.pk, today + dt.timedelta(days=offset + d))
            for fast, offset in zip(fasts, offsets, strict=True)
            for d in range(scenario.days)
        ],
        batch_size=BATCH_SIZE,
    )
    heavy_profile_id = Profile.objects.values_list("pk", flat=True).get(user=heavy)
    memberships_bulk_join(
        pairs=[(heavy_profile_id, fast.pk) for fast in fasts], batch_size=BATCH_SIZE
    )
    target = fasts[target_index]
    _participants_add(fast_id=target.pk, count=scenario.participants - 1, now=now)
    if connection.vendor == "postgresql":
        # Fresh bulk loads have no planner statistics and no visibility map yet; autovacuum
        # would process them soon after, in production and in the middle of the measurement
        # here (competing for the same two CPUs). Do its work now, so plans and index-only scans
        # are measured as they would settle.
        # (Inside a transaction, as in the smoke test, VACUUM cannot run: analyse only.)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")

    heavy = User.objects.get(pk=heavy.pk)
    feast_date = target.culmination_feast_date
    target_day = Fast.objects.values_list("first_day", flat=True).get(pk=target.pk)
    assert feast_date is not None and target_day is not None
    return ScenarioData(
        church_id=church.pk,
        user=heavy,
        access_token=str(RefreshToken.for_user(heavy).access_token),
        target_fast_id=target.pk,
        target_day=target_day,
        target_feast_date=feast_date,
        today=today,
    )


def _participants_add(*, fast_id: int, count: int, now: dt.datetime) -> None:
    """``count`` more members of a fast: users (profiles come from the trigger), then rows."""
    if count <= 0:
        return
    profile_ids = accounts_bulk_create(
        emails=[f"member{i}@example.org" for i in range(count)],
        newest_joined=now - dt.timedelta(seconds=1),
    )
    members = Profile.objects.filter(pk__in=profile_ids)
    members.update(name=Concat(Value("Member "), Cast("pk", CharField())))
    memberships_bulk_join(
        pairs=[(profile_id, fast_id) for profile_id in profile_ids],
        batch_size=BATCH_SIZE,
    )


# Child tables first; raw DELETEs skip the ORM's collector, which would load 100,000 rows (the
# database's triggers still run: the stored values of what is left stay exact).
_WIPE_TABLES = (
    "token_blacklist_blacklistedtoken",
    "token_blacklist_outstandingtoken",
    "hub_member_day",
    "hub_profile_fasts",
    "hub_day",
    "hub_fast",
    "hub_profile",
    "auth_user",
    "hub_church",
)


def scenario_wipe() -> None:
    """Remove every row a scenario created (the benchmark's own throwaway database)."""
    with connection.cursor() as cursor:
        for table in _WIPE_TABLES:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
