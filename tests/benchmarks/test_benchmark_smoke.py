"""The benchmark's measuring core, run for one tiny scenario inside the test database."""

import pytest

from benchmarks.run import endpoints_available, scenario_measure
from benchmarks.scenarios import Scenario, fast_start_offsets, scenario_build
from hub.models import Fast, Membership


@pytest.mark.django_db
def test_measures_two_endpoints_cold_and_warm() -> None:
    data = scenario_build(Scenario(fasts=3, days=4, participants=3, series=("fd",)))
    endpoints, notes = endpoints_available(["fast-stats", "fast-detail"])
    assert [e.name for e in endpoints] == ["fast-stats", "fast-detail"]
    assert notes == []

    results = scenario_measure(data, endpoints, scenario_key="tiny", repeat=2, warmup=1)

    assert [(m.endpoint, m.cache) for m in results] == [
        ("fast-stats", "cold"),
        ("fast-stats", "warm"),
        ("fast-detail", "cold"),
        ("fast-detail", "warm"),
    ]
    for m in results:
        assert m.scenario == "tiny"
        assert m.status == 200
        assert isinstance(m.queries, int) and m.queries >= 1
        assert m.runs == 2
        assert 0 < m.min_ms <= m.median_ms <= m.p95_ms
        assert m.cpu_median_ms > 0
        assert m.peak_mib > 0
        assert m.response_bytes > 0
    stats = {m.cache: m for m in results if m.endpoint == "fast-stats"}
    # A warm stats request is served from the cache: fewer statements than a cold one.
    assert stats["warm"].queries < stats["cold"].queries


@pytest.mark.django_db
def test_scenario_data_matches_its_definition() -> None:
    data = scenario_build(Scenario(fasts=5, days=6, participants=4, series=("fd",)))
    fasts = Fast.objects.filter(church_id=data.church_id)
    assert fasts.count() == 5
    assert all(f.day_count == 6 for f in fasts)
    ongoing = fasts.filter(first_day__lte=data.today, last_day__gte=data.today)
    assert [f.pk for f in ongoing] == [data.target_fast_id]
    target = fasts.get(pk=data.target_fast_id)
    assert target.participant_count == 4 == Membership.objects.filter(fast=target).count()
    assert Membership.objects.filter(profile__user=data.user).count() == 5


@pytest.mark.django_db
def test_the_stats_worst_case_has_every_joined_fast_in_progress() -> None:
    data = scenario_build(
        Scenario(fasts=12, days=6, participants=2, series=("ongoing",), all_in_progress=True)
    )
    fasts = Fast.objects.filter(church_id=data.church_id)
    assert fasts.count() == 12
    assert fasts.filter(first_day__lte=data.today, last_day__gte=data.today).count() == 12
    assert Membership.objects.filter(profile__user=data.user).count() == 12


def test_largest_scenario_fits_the_default_list_range() -> None:
    offsets, target = fast_start_offsets(fasts=200, days=40)
    assert len(offsets) == 200
    assert min(offsets) >= -180 and max(offsets) + 40 - 1 <= 180
    assert offsets[target] <= 0 <= offsets[target] + 39
    assert all(o + 39 < 0 for o in offsets[:target])
    assert all(o > 0 for o in offsets[target + 1 :])
    assert len(set(offsets)) == 200
