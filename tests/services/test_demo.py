"""Loading the demo calendar (hub.services.demo.demo_load): the counts it reports against the
rules it loads (hub.demo), and a second run that writes nothing. The calendar itself (Easter
dates, summaries, accounts) and the command's output are in tests/commands/test_demo_calendar.py.
"""

import pytest

from hub.demo import CHURCH_CALENDARS, DEMO_USERS
from hub.models import Church, Fast, Membership
from hub.services.demo import DemoLoadResult, demo_load
from tests.support.statements import Statements

pytestmark = pytest.mark.django_db


def _planned(years: list[int]) -> int:
    """How many fasts the rules plan for ``years``, over every demo church."""
    return sum(len(plan_year(year)) for plan_year in CHURCH_CALENDARS.values() for year in years)


def test_a_first_load_reports_what_it_created() -> None:
    lines: list[str] = []

    result = demo_load(years=[2027], progress=lines.append)

    assert isinstance(result, DemoLoadResult)
    assert result.churches_created == len(CHURCH_CALENDARS) == Church.objects.count()
    assert result.fasts_created == _planned([2027]) == Fast.objects.count()
    assert (result.fasts_existing, result.fasts_skipped) == (0, 0)
    assert result.users_created == 1 + len(DEMO_USERS)  # the staff account and the demo users
    assert result.joins_created == Membership.objects.count() > 0
    assert lines == result.log  # progress hears every line as it is written


def test_a_second_run_writes_nothing_and_finds_everything() -> None:
    first = demo_load(years=[2027])

    with Statements() as sent:
        again = demo_load(years=[2027])

    assert sent.writes == []
    assert (again.churches_created, again.fasts_created, again.users_created) == (0, 0, 0)
    assert again.joins_created == 0
    assert again.fasts_existing == first.fasts_created


def test_a_new_year_adds_only_its_fasts_and_their_joins() -> None:
    first = demo_load(years=[2027])
    joins_before = Membership.objects.count()
    joins_2027 = set(Membership.objects.values_list("pk", "profile_id", "fast_id"))

    both = demo_load(years=[2027, 2028])

    assert both.churches_created == both.users_created == 0
    assert both.fasts_existing == first.fasts_created
    assert both.fasts_created == _planned([2028]) == Fast.objects.filter(year=2028).count()
    assert both.joins_created == Membership.objects.count() - joins_before > 0
    kept = Membership.objects.filter(fast__year=2027).values_list("pk", "profile_id", "fast_id")
    assert set(kept) == joins_2027  # the year already loaded is left exactly as it was
