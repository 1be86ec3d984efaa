"""Every stored value equals a recount after every write API Django offers, on SQLite and
PostgreSQL, and the API answers the truth through warm caches.

Stored values: each fast's ``participant_count`` and calendar summary (``first_day``,
``last_day``, ``day_count``, ``year``), each membership's ``member_since``, each day's church,
and the per-member day index. The writes: the services, Django's M2M managers from both sides
(``add``/``remove``/``clear``/``set``), the through model's manager (``create``,
``bulk_create``, queryset ``update``/``delete``), the days' related manager, instance
``save``/``delete``, cascades (user, profile, fast, church, day), the admin, and raw SQL. The
recount here is plain Python over the rows, independent of the triggers and of
``hub.services.stored_values``.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import F
from django.utils import timezone

from hub.models import Church, Day, Fast, MemberDay, Membership, Profile
from hub.services.memberships import fast_join, fast_leave
from hub.services.stored_values import stored_values_audit
from tests.support.auth import client_for, superuser_client
from tests.support.factories import join, make_church, make_fast, make_user


@dataclass
class World:
    church: Church
    other_church: Church
    today: dt.date
    lent: Fast  # in progress: today-2 .. today+2; ben and carl joined
    advent: Fast  # to come: today+20 .. today+22; ben joined
    weekly: Fast  # two days in the past; nobody joined
    ann: User  # joined nothing
    ben: User
    carl: User


def build() -> World:
    today = timezone.now().date()
    church, other = make_church(name="St. Sarkis"), make_church(name="St. Vartan")
    lent = make_fast(church=church, start=today - dt.timedelta(days=2), days=5, name="Lent")
    advent = make_fast(church=church, start=today + dt.timedelta(days=20), days=3, name="Advent")
    weekly = make_fast(
        church=church,
        dates=[today - dt.timedelta(days=10), today - dt.timedelta(days=7)],
        name="Weekly",
    )
    ann, ben, carl = (make_user(church=church, name=name) for name in ("Ann", "Ben", "Carl"))
    join(ben, lent, advent)
    join(carl, lent)
    return World(church, other, today, lent, advent, weekly, ann, ben, carl)


# --- The truth, recounted in Python from the rows -------------------------------------------------


def recount() -> dict[str, Any]:
    days = list(Day.objects.values_list("pk", "fast_id", "date", "church_id"))
    members = list(Membership.objects.values_list("pk", "profile_id", "fast_id"))
    fast_church = dict(Fast.objects.values_list("pk", "church_id"))
    joined_at = dict(Profile.objects.values_list("pk", "user__date_joined"))
    summaries = {}
    for fast_id in fast_church:
        dates = sorted(date for _, f, date, _ in days if f == fast_id)
        summaries[fast_id] = (
            sum(1 for _, _, f in members if f == fast_id),
            dates[0] if dates else None,
            dates[-1] if dates else None,
            len(dates),
            dates[0].year if dates else None,
        )
    return {
        "fasts": summaries,
        "member_since": {pk: joined_at[profile] for pk, profile, _ in members},
        "day_church": {pk: fast_church[f] for pk, f, _, _ in days if f is not None},
        "member_days": {
            (profile, day, fast, date)
            for _, profile, f in members
            for day, fast, date, _ in days
            if fast == f
        },
    }


def stored() -> dict[str, Any]:
    fasts = Fast.objects.values_list(
        "pk", "participant_count", "first_day", "last_day", "day_count", "year"
    )
    return {
        "fasts": {pk: tuple(values) for pk, *values in fasts},
        "member_since": dict(Membership.objects.values_list("pk", "member_since")),
        "day_church": dict(Day.objects.filter(fast__isnull=False).values_list("pk", "church_id")),
        "member_days": set(
            MemberDay.objects.values_list("profile_id", "day_id", "fast_id", "date")
        ),
    }


def api_truth_check(world: World) -> None:
    """The API, through whatever it cached before the write, answers the recount."""
    truth = recount()
    users = User.objects.filter(pk__in=[world.ann.pk, world.ben.pk, world.carl.pk])
    for user in users.filter(profile__isnull=False):
        client = client_for(user)
        profile = user.profile
        for fast_id, (count, first, last, day_count, _) in truth["fasts"].items():
            body = client.get(f"/api/fasts/{fast_id}/").json()
            assert (
                body["participant_count"],
                body["start_date"],
                body["end_date"],
                body["total_number_of_days"],
                body["joined"],
            ) == (
                count,
                first and first.isoformat(),
                last and last.isoformat(),
                day_count,
                Membership.objects.filter(profile=profile, fast_id=fast_id).exists(),
            ), f"fast {fast_id} as {user.username}"
        if profile.church_id is not None:
            listed = {f["id"]: f for f in client.get("/api/fasts/").json()}
            for fast_id, fast in listed.items():
                assert fast["participant_count"] == truth["fasts"][fast_id][0]
        joined = sorted(
            Membership.objects.filter(profile=profile).values_list("fast_id", flat=True)
        )
        stats = client.get("/api/fasts/stats/").json()
        kept = [d for p, _, _, d in truth["member_days"] if p == profile.pk]
        assert stats["joined_fasts"] == joined
        assert stats["total_fast_days"] == sum(1 for d in kept if d <= world.today)
        assert client.get("/api/user/days/").json()["count"] == len(kept)


def warm(world: World) -> None:
    """Fill every cache the truth check reads, so a stale entry would be caught."""
    api_truth_check(world)


# --- Every write path ----------------------------------------------------------------------------


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _admin_delete_user(w: World) -> None:
    response = superuser_client().post(f"/admin/auth/user/{w.ben.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content


def _admin_edit_days(w: World) -> None:
    """The fast's change form: one day re-dated, one deleted, one added (inline formset)."""
    days = list(Day.objects.filter(fast=w.lent).order_by("date"))
    form = {
        "name": w.lent.name,
        "church": w.church.pk,
        "description": "",
        "culmination_feast": "",
        "culmination_feast_date": "",
        "url": "",
        "days-TOTAL_FORMS": str(len(days) + 1),
        "days-INITIAL_FORMS": str(len(days)),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, day in enumerate(days):
        form[f"days-{i}-id"] = str(day.pk)
        form[f"days-{i}-fast"] = str(w.lent.pk)
        form[f"days-{i}-date"] = day.date.isoformat()
    form["days-0-date"] = (w.today - dt.timedelta(days=4)).isoformat()
    form["days-1-DELETE"] = "on"
    form[f"days-{len(days)}-fast"] = str(w.lent.pk)
    form[f"days-{len(days)}-date"] = (w.today + dt.timedelta(days=5)).isoformat()
    client, url = superuser_client(), f"/admin/hub/fast/{w.lent.pk}/change/"
    # The new dates lie outside the fast's run: staff confirm them, as the page asks.
    asked = re.search(
        r'name="confirm_dates" id="id_confirm_dates" value="(\w+)"',
        client.post(url, form).content.decode(),
    )
    assert asked is not None
    form["confirm_dates"] = asked.group(1)
    response = client.post(url, form)
    assert response.status_code == 302, response.content


def _loose_day(w: World, offset: int) -> Day:
    return Day.objects.create(fast=None, church=w.church, date=w.today + dt.timedelta(days=offset))


WRITES: dict[str, Callable[[World], object]] = {
    # Memberships: the services
    "service join": lambda w: fast_join(profile=w.ann.profile, fast_id=w.lent.pk),
    "service leave": lambda w: fast_leave(profile=w.ben.profile, fast_id=w.lent.pk),
    # Memberships: Django's M2M managers, from both sides
    "profile.fasts.add": lambda w: w.ann.profile.fasts.add(w.lent, w.advent),
    "fast.profiles.add": lambda w: w.weekly.profiles.add(w.ann.profile, w.ben.profile),
    "profile.fasts.remove": lambda w: w.ben.profile.fasts.remove(w.lent),
    "fast.profiles.remove": lambda w: w.lent.profiles.remove(w.ben.profile, w.carl.profile),
    "profile.fasts.clear": lambda w: w.ben.profile.fasts.clear(),
    "fast.profiles.clear": lambda w: w.lent.profiles.clear(),
    "profile.fasts.set": lambda w: w.ben.profile.fasts.set([w.lent, w.weekly]),
    "fast.profiles.set": lambda w: w.lent.profiles.set([w.ann.profile, w.carl.profile]),
    # Memberships: the through model's manager and querysets
    "Membership.objects.create": lambda w: Membership.objects.create(
        profile=w.ann.profile, fast=w.weekly
    ),
    "Membership.objects.bulk_create": lambda w: Membership.objects.bulk_create(
        [Membership(profile=w.ann.profile, fast=f) for f in (w.lent, w.advent, w.weekly)]
    ),
    "through queryset delete": lambda w: Profile.fasts.through.objects.filter(fast=w.lent).delete(),
    "through queryset update (moved to another fast)": lambda w: Membership.objects.filter(
        profile=w.ben.profile, fast=w.lent
    ).update(fast=w.weekly),
    "through queryset update (moved to another member)": lambda w: Membership.objects.filter(
        profile=w.carl.profile
    ).update(profile=w.ann.profile),
    # Memberships: cascades
    "user deleted": lambda w: w.ben.delete(),
    "users queryset delete": lambda w: User.objects.filter(pk__in=[w.ben.pk, w.carl.pk]).delete(),
    "profile deleted": lambda w: w.ben.profile.delete(),
    "fast deleted": lambda w: w.lent.delete(),
    "fasts queryset delete": lambda w: Fast.objects.filter(
        pk__in=[w.lent.pk, w.advent.pk]
    ).delete(),
    "church deleted": lambda w: w.church.delete(),
    "user's date_joined changed": lambda w: User.objects.filter(pk=w.carl.pk).update(
        date_joined=F("date_joined") - dt.timedelta(days=400)
    ),
    # Memberships: raw SQL
    "raw SQL membership insert": lambda w: _raw(
        "INSERT INTO hub_profile_fasts (profile_id, fast_id, member_since) VALUES (%s, %s, %s)",
        [w.ann.profile.pk, w.lent.pk, timezone.now()],
    ),
    "raw SQL membership delete": lambda w: _raw(
        "DELETE FROM hub_profile_fasts WHERE fast_id = %s", [w.lent.pk]
    ),
    # Days: instances and the fast's related manager
    "Day.objects.create": lambda w: Day.objects.create(
        fast=w.lent, church=w.church, date=w.today + dt.timedelta(days=3)
    ),
    "fast.days.create": lambda w: w.advent.days.create(
        church=w.church, date=w.today + dt.timedelta(days=19)
    ),
    "fast.days.add (queryset update)": lambda w: w.lent.days.add(_loose_day(w, 9)),
    "fast.days.add (bulk=False)": lambda w: w.lent.days.add(_loose_day(w, 9), bulk=False),
    "fast.days.remove": lambda w: w.lent.days.remove(*w.lent.days.order_by("date")[:2]),
    "fast.days.clear": lambda w: w.lent.days.clear(),
    "fast.days.set": lambda w: w.lent.days.set([_loose_day(w, 30), _loose_day(w, 31)]),
    "day saved re-dated": lambda w: _redate(w.lent.days.order_by("date").first(), -6),
    "day saved into another fast": lambda w: _move(w.lent.days.first(), w.weekly),
    "day instance delete": lambda w: w.lent.days.order_by("date").last().delete(),  # type: ignore[union-attr]
    # Days: bulk and querysets
    "Day.objects.bulk_create": lambda w: Day.objects.bulk_create(
        [
            Day(fast=w.advent, church=w.other_church, date=w.today + dt.timedelta(days=d))
            for d in (40, 41, 42)
        ]
    ),
    "days queryset update (re-dated)": lambda w: Day.objects.filter(fast=w.lent).update(
        date=F("date") + dt.timedelta(days=100)
    ),
    "days queryset update (moved to another fast)": lambda w: Day.objects.filter(
        fast=w.weekly
    ).update(fast=w.lent),
    # A day in another church than its fast's: the database puts it back (nothing changes).
    "days queryset update (church)": lambda w: Day.objects.filter(fast=w.lent).update(
        church=w.other_church
    ),
    "days queryset delete": lambda w: Day.objects.filter(date__lt=w.today).delete(),
    # Days: raw SQL
    "raw SQL day insert": lambda w: _raw(
        "INSERT INTO hub_day (date, fast_id, church_id) VALUES (%s, %s, %s)",
        [w.today + dt.timedelta(days=8), w.lent.pk, w.other_church.pk],
    ),
    "raw SQL day delete": lambda w: _raw("DELETE FROM hub_day WHERE fast_id = %s", [w.advent.pk]),
    # Fasts: moved to another church (their days follow), created with stored values
    "fast saved into another church": lambda w: _move_fast(w.lent, w.other_church),
    "fasts queryset update (church)": lambda w: Fast.objects.filter(pk=w.lent.pk).update(
        church=w.other_church
    ),
    "fast created with stored values": lambda w: Fast.objects.create(
        name="Given counts", church=w.church, participant_count=9, day_count=3, year=1999
    ),
    # The admin
    "admin deletes a user": _admin_delete_user,
    "admin edits a fast's days": _admin_edit_days,
}


def _redate(day: Day | None, offset: int) -> None:
    assert day is not None
    day.date += dt.timedelta(days=offset)
    day.save()


def _move(day: Day | None, fast: Fast) -> None:
    assert day is not None
    day.fast = fast
    day.save()


def _move_fast(fast: Fast, church: Church) -> None:
    fast.church = church
    fast.save()


@pytest.mark.django_db
@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_path_keeps_every_stored_value(write: Callable[[World], object]) -> None:
    world = build()
    assert stored() == recount()
    warm(world)
    before = recount()

    write(world)

    after = recount()
    if write is WRITES["days queryset update (church)"]:
        assert after == before
    else:
        assert after != before, "the write changed nothing: the case proves nothing"
    assert stored() == after
    assert stored_values_audit() == []
    api_truth_check(world)
