"""``manage.py audit_stored_values``: reports every stored value that differs from its recount,
and ``--repair`` recomputes it (and invalidates what showed it).

The database keeps these values for every writer, so drift is made here the only way left:
writing a stored column itself, or deleting index rows by hand.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from hub.models import Church, Day, Fast, MemberDay, Membership, Profile
from hub.services.stored_values import stored_values_audit
from tests.support.factories import join, make_church, make_fast, make_user

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 1)


def _audit(*args: str) -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("audit_stored_values", *args, stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), False
    return out.getvalue(), True


def test_a_clean_database_audits_clean() -> None:
    church = make_church()
    fast = make_fast(church=church, start=START, days=4)
    join(make_user(church=church), fast)
    output, ok = _audit()
    assert ok, output
    assert "Every stored value equals its recount." in output


def test_every_kind_of_drift_is_reported_then_repaired() -> None:
    church, other = make_church(), make_church()
    lent = make_fast(church=church, start=START, days=5)
    advent = make_fast(church=church, start=START + dt.timedelta(days=30), days=3)
    ann, ben = make_user(church=church), make_user(church=church)
    join(ann, lent, advent)
    join(ben, lent)
    # Drift the only ways left: stored columns written directly, index rows removed by hand.
    Fast.objects.filter(pk=lent.pk).update(participant_count=7)
    Fast.objects.filter(pk=advent.pk).update(day_count=9, first_day=START, year=1999)
    Membership.objects.filter(profile=ben.profile).update(
        member_since=F("member_since") - dt.timedelta(days=1)
    )
    MemberDay.objects.filter(profile=ann.profile, fast=lent).delete()
    # A stray index row (a day ben never joined), written bypassing every rule.
    day = Day.objects.filter(fast=advent).first()
    assert day is not None
    MemberDay.objects.create(profile=ben.profile, day=day, fast=advent, date=day.date)
    versions = dict(Profile.objects.values_list("pk", "cache_version"))
    church_version = Church.objects.get(pk=church.pk).cache_version
    other_version = Church.objects.get(pk=other.pk).cache_version

    output, ok = _audit()
    assert not ok
    for value in (
        "Fast.participant_count",
        "Fast calendar summary",
        "Membership.member_since",
        "MemberDay",
    ):
        assert f"drift {value}" in output, output
    assert "4 stored value(s) drifted" in output  # counted by kind

    output, ok = _audit("--repair")
    assert ok, output
    assert output.count("repaired ") == 4
    assert stored_values_audit() == []
    lent.refresh_from_db()
    advent.refresh_from_db()
    assert lent.participant_count == 2
    assert (advent.day_count, advent.first_day, advent.year) == (
        3,
        START + dt.timedelta(days=30),
        2026,
    )
    # What showed the repaired values is invalidated: the church's and the members' versions.
    assert Church.objects.get(pk=church.pk).cache_version > church_version
    for profile in (ann.profile, ben.profile):
        assert Profile.objects.get(pk=profile.pk).cache_version > versions[profile.pk]
    assert Church.objects.get(pk=other.pk).cache_version == other_version  # nothing of it changed
