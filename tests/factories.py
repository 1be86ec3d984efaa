"""Test data builders (factory_boy). Profiles are never built directly: the database creates
one for every user (see hub/migrations/0002), so tests reach it as ``user.profile``."""

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.models import User

from hub.models import Church, Day, Fast
from hub.services.calendar import fasts_calendar_refresh


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
    password = factory.django.Password("a-strong-Passw0rd!")


class FastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fast

    name = factory.Sequence(lambda n: f"Fast {n}")
    church = factory.SubFactory(ChurchFactory)
    description = "A fast."


def make_user(*, church: Church | None = None, **profile_fields: Any) -> User:
    """A user with its profile fields set (church, name, timezone...)."""
    user: User = UserFactory()
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
    fast: Fast = FastFactory(church=church, **fields)
    if dates is None:
        dates = [start + dt.timedelta(days=i) for i in range(days)] if start else []
    Day.objects.bulk_create([Day(date=d, fast=fast, church=church) for d in dates])
    fasts_calendar_refresh(fast_ids=[fast.pk])
    fast.refresh_from_db()
    return fast
