"""Test data builders (factory_boy). Profiles are never built directly: the database creates
one for every user (see hub/migrations/0002), so tests reach it as ``user.profile``. Days and
memberships go through the services (``fast_days_add``, ``memberships_bulk_join``); the
database keeps every stored value that follows from them (migration 0004)."""

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.models import User

from hub.models import Church, Fast
from hub.services.fasts import fast_days_add
from hub.services.memberships import memberships_bulk_join

# Every user the factories make has this password (tests log in with it).
PASSWORD = "a-strong-Passw0rd!"


class ChurchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Church
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Church {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    username = factory.SelfAttribute("email")
    password = factory.django.Password(PASSWORD)


class FastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fast

    name = factory.Sequence(lambda n: f"Fast {n}")
    church = factory.SubFactory(ChurchFactory)
    description = "A fast."


def make_church(**fields: Any) -> Church:
    """A church; ``name`` finds the church of that name when there is one."""
    church: Church = ChurchFactory.create(**fields)
    return church


def make_user(*, church: Church | None = None, **profile_fields: Any) -> User:
    """A user with its profile fields set (church, name, timezone...)."""
    user: User = UserFactory.create()
    if church is not None or profile_fields:
        for name, value in profile_fields.items():
            setattr(user.profile, name, value)
        user.profile.church = church
        user.profile.save()
    return user


def make_fast(
    *,
    church: Church,
    start: dt.date | None = None,
    days: int = 0,
    dates: list[dt.date] | None = None,
    **fields: Any,
) -> Fast:
    """A fast with ``days`` consecutive days from ``start`` (or the given ``dates``)."""
    fast: Fast = FastFactory.create(church=church, **fields)
    if dates is None:
        dates = [start + dt.timedelta(days=i) for i in range(days)] if start else []
    fast_days_add(days=[(fast.pk, date) for date in dates])
    fast.refresh_from_db()
    return fast


def join(user: User, *fasts: Fast) -> None:
    """``user`` joins ``fasts`` (set-based, as the demo loader and the benchmarks join)."""
    memberships_bulk_join(pairs=[(user.profile.pk, fast.pk) for fast in fasts])
