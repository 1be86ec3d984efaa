"""Generated from hub.caching's table: every listed column, changed through the model (as the
admin and a shell change it), shows at once in every endpoint whose representation lists it.

For each dependency of the table there is a change below (a test fails when one is missing).
Each change runs on a fresh world: every endpoint concerned is requested (warming each cache),
the change is saved, and each endpoint is requested again through the warm cache. That answer
must differ from the one before (the change is visible: the case can fail) and equal the answer
computed with the cache cleared (nothing stale was served).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hub.caching import REPRESENTATIONS, VERSION_BUMPED_BY
from hub.models import Church, Day, Fast
from tests.support.auth import client_for
from tests.support.factories import join, make_church, make_fast, make_user
from tests.support.images import image_bytes


@dataclass
class World:
    church: Church
    other_church: Church
    today: dt.date
    fast: Fast  # in progress, with a culmination feast; ann, ben and carl joined
    ann: User  # named; the usual caller
    ben: User  # named
    carl: User  # no name: shown by the first letter of the email


def build() -> World:
    today = timezone.now().date()
    church, other = make_church(name="St. Sarkis"), make_church(name="St. Vartan")
    fast = make_fast(
        church=church,
        start=today - dt.timedelta(days=2),
        days=5,
        name="Lent",
        culmination_feast="Easter",
        culmination_feast_date=today + dt.timedelta(days=5),
        url="https://example.org/lent",
    )
    ann = make_user(church=church, name="Ann", location="Yerevan")
    ben = make_user(church=church, name="Ben")
    carl = make_user(church=church)
    join(ann, fast)
    join(ben, fast)
    join(carl, fast)
    return World(church, other, today, fast, ann, ben, carl)


def _png() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "banner.png", image_bytes("PNG", size=(40, 30)), content_type="image/png"
    )


def _save(instance: Any, **values: Any) -> None:
    """Change fields and ``save()`` the instance, as the admin's change form does."""
    for field, value in values.items():
        setattr(instance, field, value)
    instance.save()


@dataclass(frozen=True)
class Change:
    apply: Callable[[World], object]
    caller: Callable[[World], User] = lambda w: w.ann


CHANGES: dict[str, Change] = {
    "Church.name": Change(lambda w: _save(w.church, name="St. Sarkis Cathedral")),
    "Fast.name": Change(lambda w: _save(w.fast, name="Great Lent")),
    "Fast.church": Change(lambda w: _save(w.fast, church=w.other_church)),
    "Fast.description": Change(lambda w: _save(w.fast, description="Forty days.")),
    "Fast.culmination_feast": Change(lambda w: _save(w.fast, culmination_feast="Pascha")),
    "Fast.culmination_feast_date": Change(
        lambda w: _save(w.fast, culmination_feast_date=w.today + dt.timedelta(days=6))
    ),
    "Fast.image": Change(lambda w: _save(w.fast, image=_png())),
    "Fast.url": Change(lambda w: _save(w.fast, url="https://example.org/great-lent")),
    # A day before the fast's first: dates, day numbers, totals and the members' days change.
    "Day.*": Change(
        lambda w: Day.objects.create(
            fast=w.fast, church=w.church, date=w.today - dt.timedelta(days=5)
        )
    ),
    # The caller leaves through Django's M2M manager.
    "Membership.*": Change(lambda w: w.ann.profile.fasts.remove(w.fast)),
    # Another member's account is deleted (as from the admin).
    "User.*": Change(lambda w: w.ben.delete()),
    "User.email": Change(lambda w: _save(w.carl, email="zed@example.org"), caller=lambda w: w.carl),
    # Carl's account becomes the oldest: he moves to the head of the participants.
    "User.date_joined": Change(
        lambda w: _save(w.carl, date_joined=w.ann.date_joined - dt.timedelta(days=1))
    ),
    "Profile.name": Change(lambda w: _save(w.ann.profile, name="Anna")),
    "Profile.profile_image": Change(
        lambda w: _save(w.ann.profile, profile_image="profile_images/anna.jpg")
    ),
    "Profile.location": Change(lambda w: _save(w.ann.profile, location="Gyumri")),
    "Profile.church": Change(lambda w: _save(w.ann.profile, church=w.other_church)),
    "Profile.timezone": Change(lambda w: _save(w.ann.profile, timezone="Asia/Yerevan")),
}


def _request(world: World, endpoint: str, caller: User) -> Any:
    """The part of the endpoint's answer that concerns the world's fast (or the caller)."""
    client = client_for(caller)
    fast = world.fast
    today = world.today
    feast_date = (today + dt.timedelta(days=5)).isoformat()
    paths = {
        "fast-list": reverse("fast-list"),
        "fast-detail": reverse("fast-detail", kwargs={"pk": fast.pk}),
        "fast-stats": reverse("fast-stats"),
        "fast-by-date": f"{reverse('fast-by-date')}?date={today.isoformat()}",
        "fast-by-feast-date": f"{reverse('fast-by-feast-date')}?date={feast_date}",
        "fast_on_date": f"{reverse('fast_on_date')}?date={today:%Y%m%d}",
        "fast_on_date_user": f"{reverse('fast_on_date_user')}?date={today:%Y%m%d}",
        "fast-participants": reverse("fast-participants", kwargs={"pk": fast.pk}),
        "fast-participants-paginated": reverse(
            "fast-participants-paginated", kwargs={"pk": fast.pk}
        ),
        "fast-days-list": reverse("fast-days-list", kwargs={"pk": fast.pk}),
        "user-days": reverse("user-days"),
        "profile-detail": reverse("profile-detail"),
    }
    response = client.get(paths[endpoint])
    assert response.status_code in (200, 400), (endpoint, response.content)
    body = response.json()
    if endpoint == "fast-list":
        return next((item for item in body if item["id"] == fast.pk), None)
    return body


def _cases() -> list[tuple[str, str]]:
    return [
        (dependency, endpoint)
        for dependency in CHANGES
        for endpoint in sorted(
            {e for r in REPRESENTATIONS if dependency in r.depends_on for e in r.endpoints}
        )
    ]


def test_every_dependency_of_the_table_has_a_change() -> None:
    listed = {dependency for r in REPRESENTATIONS for dependency in r.depends_on}
    assert listed == set(CHANGES)


def test_cached_representations_are_bumped_by_every_column_they_depend_on() -> None:
    for representation in REPRESENTATIONS:
        if representation.version is not None:
            assert set(representation.depends_on) <= set(
                VERSION_BUMPED_BY[representation.version]
            ), representation.name


@pytest.mark.django_db
@pytest.mark.parametrize("dependency", CHANGES)
def test_a_change_shows_at_once_in_every_endpoint_that_shows_it(
    dependency: str,
) -> None:
    world = build()
    change = CHANGES[dependency]
    caller = change.caller(world)
    endpoints = [endpoint for dep, endpoint in _cases() if dep == dependency]
    assert endpoints, f"no endpoint lists {dependency}"
    before = {endpoint: _request(world, endpoint, caller) for endpoint in endpoints}

    change.apply(world)
    caller = User.objects.get(pk=caller.pk)

    warm = {endpoint: _request(world, endpoint, caller) for endpoint in endpoints}
    cache.clear()
    cold = {endpoint: _request(world, endpoint, caller) for endpoint in endpoints}
    for endpoint in endpoints:
        assert warm[endpoint] != before[endpoint], f"{dependency} is not visible in {endpoint}"
        assert warm[endpoint] == cold[endpoint], f"{endpoint} served a stale {dependency}"
