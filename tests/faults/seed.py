"""Seed data for the fault tests, run inside the server's environment (``python -m``).

Prints one JSON document: the church, one fast per test and every user's ids and a real access
token. All users share one password hash: a production PBKDF2 hash costs most of a second, so
hashing (and logging in) a hundred times would dominate the suite. The tests still log in through
/api/token/ for the users whose tokens they use in the outage scenarios.
"""

import datetime as dt
import json
import sys

CROWD_SIZE = 100
PASSWORD = "fault-Tolerant-pass-42"
SINGLE_USERS = ("redis", "postgres", "race")
FAST_NAMES = ("Redis fast", "Postgres fast", "Crowd fast", "Race fast")


def main() -> None:
    import django

    django.setup()

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from rest_framework_simplejwt.tokens import RefreshToken

    from hub.models import Church, Profile
    from hub.services.fasts import fast_create_from_range

    church = Church.objects.create(name="Faults")
    today = dt.date.today()
    fasts: dict[str, int] = {}
    for index, name in enumerate(FAST_NAMES):
        fast = fast_create_from_range(
            name=name,
            church=church,
            first_date=today + dt.timedelta(days=index),
            number_of_days=5,
            description="Fault test fast.",
        )
        fasts[name] = fast.pk

    password = make_password(PASSWORD)
    emails = [f"{name}@faults.example.org" for name in SINGLE_USERS]
    emails += [f"crowd{n:03d}@faults.example.org" for n in range(CROWD_SIZE)]
    User.objects.bulk_create(
        [User(username=email, email=email, password=password) for email in emails]
    )
    users = list(User.objects.filter(username__in=emails).select_related("profile"))
    Profile.objects.filter(user__in=users).update(church=church)

    print(
        json.dumps(
            {
                "church_id": church.pk,
                "password": PASSWORD,
                "fasts": fasts,
                "users": {
                    user.username: {
                        "user_id": user.pk,
                        "profile_id": user.profile.pk,
                        "access": str(RefreshToken.for_user(user).access_token),
                    }
                    for user in users
                },
            }
        )
    )


if __name__ == "__main__":
    main()
    sys.exit(0)
