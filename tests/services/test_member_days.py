"""The per-member day index always equals memberships x days, whatever path changes them."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from hub.models import Day, Fast, MemberDay, Membership
from hub.services.memberships import fast_join, fast_leave
from tests.factories import ChurchFactory, make_fast, make_user

START = dt.date(2026, 3, 1)


def truth() -> set[tuple[int, int, int, dt.date]]:
    return {
        (m.profile_id, d.pk, d.fast_id, d.date)
        for m in Membership.objects.all()
        for d in Day.objects.filter(fast_id=m.fast_id)
    }


def stored() -> set[tuple[int, int, int, dt.date]]:
    return set(MemberDay.objects.values_list("profile_id", "day_id", "fast_id", "date"))


@pytest.mark.django_db
def test_joins_leaves_and_day_edits_keep_the_index_exact() -> None:
    church = ChurchFactory()
    lent = make_fast(church=church, start=START, days=5)
    advent = make_fast(church=church, start=START + dt.timedelta(days=30), days=3)
    ann, ben = make_user(church=church), make_user(church=church)

    fast_join(profile=ann.profile, fast_id=lent.pk)
    fast_join(profile=ann.profile, fast_id=advent.pk)
    fast_join(profile=ben.profile, fast_id=lent.pk)
    assert stored() == truth() and len(stored()) == 5 + 3 + 5

    day = Day.objects.create(fast=lent, church=church, date=START + dt.timedelta(days=10))
    assert stored() == truth()
    day.date = START + dt.timedelta(days=11)  # re-dated
    day.save()
    assert stored() == truth()
    day.fast = advent  # moved to another fast
    day.save()
    assert stored() == truth()
    day.delete()
    assert stored() == truth()

    fast_leave(profile=ann.profile, fast_id=lent.pk)
    assert stored() == truth()
    ben.delete()
    assert stored() == truth()
    Fast.objects.filter(pk=advent.pk).delete()
    assert stored() == truth() == set()


@pytest.mark.django_db
def test_rebuild_repairs_the_index() -> None:
    church = ChurchFactory()
    fast = make_fast(church=church, start=START, days=4)
    fast_join(profile=make_user(church=church).profile, fast_id=fast.pk)
    MemberDay.objects.all().delete()  # drift from outside the services
    out = StringIO()
    call_command("rebuild_member_days", stdout=out)
    assert stored() == truth() and len(stored()) == 4
    assert "4 member day(s) written." in out.getvalue()
