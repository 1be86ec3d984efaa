"""Create the load-test churches, fasts and accounts (idempotent): ``python -m loadtest.seed``.

Run after ``manage.py load_demo_calendar``. Adds ``--churches`` extra churches that follow the
demo calendars (so the fast list has many distinct cache keys), and ``--users`` accounts
``load-0000@loadtest.invalid`` ... with the one known password ``LOAD_PASSWORD``. Account *i*
belongs to church *i mod C* (the demo churches first) and has joined every fast of its church
that started on or before today; upcoming fasts are left for the load test to join and leave.

The password is hashed once and the hash stored for every account (the same salt for all):
hashing it per account with the production hasher would take minutes, and these accounts exist
only on a load-test database.
"""

import argparse
import datetime as dt
import os
import time

import django

LOAD_PASSWORD = "Loadtest-Vigil-4721"  # noqa: S105 (load-test accounts only)
EMAIL_TEMPLATE = "load-{index:04d}@loadtest.invalid"
LOAD_CHURCH_PREFIX = "Load church"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--churches", type=int, default=12, help="Extra load churches.")
    args = parser.parse_args()
    if not 1 <= args.users <= 100_000 or not 0 <= args.churches <= 1000:
        parser.error("--users must be 1-100000 and --churches 0-1000")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    django.setup()
    started = time.monotonic()
    print(seed(users=args.users, churches=args.churches))
    print(f"seed: done in {time.monotonic() - started:.1f} s")


def seed(*, users: int, churches: int) -> str:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction

    from hub.demo import CHURCH_CALENDARS
    from hub.models import Church, Fast, Membership, Profile
    from hub.services.demo import fast_create_from_plan
    from hub.services.memberships import memberships_bulk_join
    from hub.testing import accounts_bulk_create

    today = dt.date.today()
    years = [today.year - 1, today.year, today.year + 1]
    calendars = list(CHURCH_CALENDARS.items())
    church_list = [Church.objects.get(name=name) for name, _ in calendars]
    fasts_created = 0
    for number in range(churches):
        church, _ = Church.objects.get_or_create(name=f"{LOAD_CHURCH_PREFIX} {number:03d}")
        church_list.append(church)
        plan_year = calendars[number % len(calendars)][1]
        existing = set(
            Fast.objects.filter(church=church, year__in=years).values_list("name", "year")
        )
        for year in years:
            for plan in plan_year(year):
                if (plan.name, plan.year) in existing:
                    continue
                fast_create_from_plan(church=church, plan=plan)
                fasts_created += 1

    emails = [EMAIL_TEMPLATE.format(index=index) for index in range(users)]
    existing_emails = set(
        User.objects.filter(username__in=emails).values_list("username", flat=True)
    )
    missing = [email for email in emails if email not in existing_emails]
    if missing:
        with transaction.atomic():
            # One hash for every account (see the module's docstring); profiles come with them.
            accounts_bulk_create(emails=missing, password_hash=make_password(LOAD_PASSWORD))
    profiles = dict(
        Profile.objects.filter(user__username__in=emails).values_list("user__username", "pk")
    )
    with transaction.atomic():
        for index, email in enumerate(emails):
            Profile.objects.filter(pk=profiles[email]).exclude(
                church=church_list[index % len(church_list)]
            ).update(
                church=church_list[index % len(church_list)],
                name=f"Load user {index}",
                location="Loopback",
            )

    started_fasts: dict[int, list[int]] = {
        church.pk: list(
            Fast.objects.filter(church=church, first_day__lte=today).values_list("pk", flat=True)
        )
        for church in church_list
    }
    joined = set(
        Membership.objects.filter(profile_id__in=profiles.values()).values_list(
            "profile_id", "fast_id"
        )
    )
    pairs = [
        (profile_id, fast_id)
        for profile_id, church_id in Profile.objects.filter(pk__in=profiles.values()).values_list(
            "pk", "church_id"
        )
        for fast_id in started_fasts.get(church_id or 0, [])
        if (profile_id, fast_id) not in joined
    ]
    joins = memberships_bulk_join(pairs=pairs)
    return (
        f"seed: {len(church_list)} churches ({churches} load churches), {fasts_created} fasts "
        f"created, {len(missing)} of {users} accounts created, {joins} joins created; "
        f"password {LOAD_PASSWORD!r}"
    )


if __name__ == "__main__":
    main()
