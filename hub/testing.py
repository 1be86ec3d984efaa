"""Bulk builders for data sets: the test suite's, the benchmarks' and the load test's.

They write through the same paths as everything else (the database creates each user's profile
and keeps every stored value: migrations 0002 and 0004; joins go through
``hub.services.memberships.memberships_bulk_join``), only many rows per statement.
"""

import datetime as dt

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.utils import timezone

from hub.models import Profile

BATCH_SIZE = 2000


def accounts_bulk_create(
    *,
    emails: list[str],
    password_hash: str = UNUSABLE_PASSWORD_PREFIX,
    newest_joined: dt.datetime | None = None,
    spacing: dt.timedelta = dt.timedelta(seconds=1),
) -> list[int]:
    """One account per email, created ``spacing`` apart in the given order and the last at
    ``newest_joined`` (default now): the profile ids, oldest account first.

    ``password_hash`` is stored as it is (hash a known password once with ``make_password``).
    """
    newest = newest_joined or timezone.now()
    count = len(emails)
    User.objects.bulk_create(
        (
            User(
                username=email,
                email=email,
                password=password_hash,
                date_joined=newest - spacing * (count - 1 - index),
            )
            for index, email in enumerate(emails)
        ),
        batch_size=BATCH_SIZE,
    )
    profiles = dict(
        Profile.objects.filter(user__username__in=emails).values_list("user__username", "pk")
    )
    return [profiles[email] for email in emails]
