"""Loading the demo calendar (churches, fasts with their days, demo accounts and memberships).

Idempotent by natural keys: churches by name, fasts by (name, church, year), users by email,
memberships by (profile, fast). Anything already there is left exactly as it is, so a second
run writes nothing. Fasts are created through ``hub.services.fasts`` (one bulk insert of days
per fast); each demo user's joins through ``memberships_bulk_join`` (one insert). The database
keeps every counter and summary (migration 0004).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from hub.demo import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CHURCH_CALENDARS,
    DEMO_PASSWORD,
    DEMO_USERS,
    FastPlan,
)
from hub.models import Church, Fast, Membership, Profile
from hub.services.fasts import fast_create
from hub.services.memberships import memberships_bulk_join


@dataclass
class DemoLoadResult:
    churches_created: int = 0
    fasts_created: int = 0
    fasts_existing: int = 0
    fasts_skipped: int = 0
    users_created: int = 0
    joins_created: int = 0
    log: list[str] = field(default_factory=list)


def demo_load(*, years: list[int], progress: Callable[[str], None] | None = None) -> DemoLoadResult:
    result = DemoLoadResult()

    def say(line: str) -> None:
        result.log.append(line)
        if progress is not None:
            progress(line)

    churches: dict[str, Church] = {}
    for church_name, plan_year in CHURCH_CALENDARS.items():
        church, created = Church.objects.get_or_create(name=church_name)
        churches[church_name] = church
        result.churches_created += created
        say(f"{church_name}{' (created)' if created else ''}")
        existing = set(
            Fast.objects.filter(church=church, year__in=years).values_list("name", "year")
        )
        for year in years:
            for plan in plan_year(year):
                label = (
                    f"  {plan.year} {plan.name}: {min(plan.dates)} .. {max(plan.dates)} "
                    f"({len(plan.dates)} day{'' if len(plan.dates) == 1 else 's'})"
                )
                if (plan.name, plan.year) in existing:
                    result.fasts_existing += 1
                    say(f"{label} exists")
                    continue
                try:
                    fast_create_from_plan(church=church, plan=plan)
                except ValidationError as error:
                    # Staff already entered a fast that takes this feast date; keep theirs.
                    result.fasts_skipped += 1
                    say(f"{label} skipped: {' '.join(error.messages)}")
                    continue
                result.fasts_created += 1
                say(f"{label} created")

    _admin_ensure(result=result, say=say)
    for demo_user in DEMO_USERS:
        user = _user_ensure(
            email=demo_user.email,
            password=DEMO_PASSWORD,
            result=result,
            say=say,
            profile_fields={
                "name": demo_user.name,
                "church": churches[demo_user.church],
                "timezone": demo_user.timezone,
                "location": demo_user.location,
            },
        )
        to_join = Fast.objects.filter(church=churches[demo_user.church], year__in=years)
        for church_name, fast_name in demo_user.also_joins:
            to_join |= Fast.objects.filter(
                church=churches[church_name], name=fast_name, year__in=years
            )
        joined = set(
            Membership.objects.filter(profile=user.profile).values_list("fast_id", flat=True)
        )
        new = [f for f in to_join.order_by("pk").values_list("pk", flat=True) if f not in joined]
        memberships_bulk_join(pairs=[(user.profile.pk, fast_id) for fast_id in new])
        result.joins_created += len(new)
    say(f"Joins created: {result.joins_created}")
    return result


def fast_create_from_plan(*, church: Church, plan: FastPlan) -> Fast:
    """The fast a demo calendar rule plans, in ``church`` (``ValidationError`` as
    ``hub.services.fasts.fast_create`` refuses it)."""
    return fast_create(
        name=plan.name,
        church=church,
        dates=plan.dates,
        description=plan.description,
        culmination_feast=plan.culmination_feast,
        culmination_feast_date=plan.culmination_feast_date,
        url=plan.url,
    )


def _admin_ensure(*, result: DemoLoadResult, say: Callable[[str], None]) -> None:
    if User.objects.filter(username=ADMIN_EMAIL).exists():
        say(f"Staff account {ADMIN_EMAIL} exists")
        return
    User.objects.create_superuser(username=ADMIN_EMAIL, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    result.users_created += 1
    say(f"Staff account {ADMIN_EMAIL} created")


def _user_ensure(
    *,
    email: str,
    password: str,
    result: DemoLoadResult,
    say: Callable[[str], None],
    profile_fields: dict[str, object],
) -> User:
    user = User.objects.select_related("profile").filter(username=email).first()
    if user is not None:
        say(f"Demo account {email} exists")
        return user
    with transaction.atomic():
        user = User.objects.create_user(username=email, email=email, password=password)
        # The database made the profile with the user; fill in its fields.
        Profile.objects.filter(user=user).update(**profile_fields)
    result.users_created += 1
    say(f"Demo account {email} created")
    return User.objects.select_related("profile").get(pk=user.pk)
