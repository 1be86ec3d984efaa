"""load_demo_calendar: realistic, Easter-derived data; a second run changes nothing."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from hub.demo import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ARMENIAN,
    CATHOLIC,
    DEMO_PASSWORD,
    ORTHODOX,
    armenian_fasts,
    orthodox_fasts,
)
from hub.models import Church, Day, Fast, Membership, Profile

pytestmark = pytest.mark.django_db


def _load(*args: str) -> str:
    out = StringIO()
    call_command(
        "load_demo_calendar",
        "--year=2027",
        "--years=2",
        "--allow-known-passwords",
        *args,
        stdout=out,
    )
    return out.getvalue()


def _snapshot() -> tuple[dict[str, int], str]:
    counts = {
        "churches": Church.objects.count(),
        "fasts": Fast.objects.count(),
        "days": Day.objects.count(),
        "users": User.objects.count(),
        "profiles": Profile.objects.count(),
        "memberships": Membership.objects.count(),
    }
    digest = hashlib.sha256()
    for row in Fast.objects.order_by("pk").values_list(
        "pk",
        "name",
        "church_id",
        "year",
        "first_day",
        "last_day",
        "day_count",
        "participant_count",
        "culmination_feast",
        "culmination_feast_date",
        "description",
    ):
        digest.update(repr(row).encode())
    for day_row in Day.objects.order_by("pk").values_list("pk", "fast_id", "church_id", "date"):
        digest.update(repr(day_row).encode())
    for membership in Membership.objects.order_by("pk").values_list("pk", "profile_id", "fast_id"):
        digest.update(repr(membership).encode())
    return counts, digest.hexdigest()


def test_easter_reference_dates() -> None:
    assert easter(2027, EASTER_ORTHODOX) == dt.date(2027, 5, 2)
    assert easter(2027, EASTER_WESTERN) == dt.date(2027, 3, 28)


def test_load_creates_churches_fasts_and_accounts() -> None:
    output = _load()
    assert set(Church.objects.values_list("name", flat=True)) == {ARMENIAN, ORTHODOX, CATHOLIC}
    assert set(Fast.objects.values_list("year", flat=True)) == {2027, 2028}

    orthodox_lent = Fast.objects.get(church__name=ORTHODOX, name="Great Lent", year=2027)
    assert orthodox_lent.culmination_feast_date == dt.date(2027, 5, 2)  # Pascha
    assert (orthodox_lent.first_day, orthodox_lent.last_day, orthodox_lent.day_count) == (
        dt.date(2027, 3, 15),  # Clean Monday = Pascha - 48
        dt.date(2027, 5, 1),  # Holy Saturday
        48,
    )
    armenian_lent = Fast.objects.get(church__name=ARMENIAN, name="Great Lent", year=2027)
    assert armenian_lent.culmination_feast_date == dt.date(2027, 3, 28)  # Western Easter
    assert (armenian_lent.first_day, armenian_lent.last_day) == (
        dt.date(2027, 2, 8),
        dt.date(2027, 3, 27),
    )
    nineveh = Fast.objects.get(church__name=ARMENIAN, name="Fast of Nineveh", year=2027)
    assert (nineveh.first_day, nineveh.last_day, nineveh.day_count) == (
        dt.date(2027, 1, 18),
        dt.date(2027, 1, 22),
        5,
    )
    # 2027: Aug 15 is a Sunday, so the Assumption is kept that day; fast Monday to Friday before.
    dormition = Fast.objects.get(church__name=ARMENIAN, name="Dormition Fast", year=2027)
    assert dormition.culmination_feast_date == dt.date(2027, 8, 15)
    assert (dormition.first_day, dormition.last_day) == (dt.date(2027, 8, 9), dt.date(2027, 8, 13))
    nativity = Fast.objects.get(
        church__name=ARMENIAN, name__startswith="Fast of the Nativity", year=2027
    )
    assert (nativity.first_day, nativity.last_day, nativity.day_count) == (
        dt.date(2027, 12, 30),
        dt.date(2028, 1, 5),
        7,
    )
    assert nativity.culmination_feast_date == dt.date(2028, 1, 6)

    weekly = Fast.objects.get(church__name=ARMENIAN, name="Wednesday and Friday Fasts", year=2027)
    assert weekly.culmination_feast_date is None
    weekly_dates = list(Day.objects.filter(fast=weekly).values_list("date", flat=True))
    assert len(weekly_dates) == weekly.day_count > 50
    assert all(day.weekday() in (2, 4) for day in weekly_dates)
    easter_2027 = dt.date(2027, 3, 28)
    assert not any(
        easter_2027 <= day <= easter_2027 + dt.timedelta(days=49) for day in weekly_dates
    )
    seasonal = Day.objects.filter(fast__church__name=ARMENIAN, fast__year=2027).exclude(fast=weekly)
    assert not seasonal.filter(date__in=weekly_dates).exists()

    # One day per date in every fast, each in its fast's church, and summaries exact.
    for fast in Fast.objects.annotate(n=Count("days")):
        assert fast.n == fast.day_count
        assert Day.objects.filter(fast=fast).values("date").distinct().count() == fast.n
        assert not Day.objects.filter(fast=fast).exclude(church_id=fast.church_id).exists()

    # Accounts: the staff superuser and demo users with profiles and exact counters.
    admin = User.objects.get(username=ADMIN_EMAIL)
    assert admin.is_staff and admin.is_superuser and admin.check_password(ADMIN_PASSWORD)
    demo = User.objects.select_related("profile__church").get(username="demo@fasthub.local")
    assert demo.check_password(DEMO_PASSWORD)
    assert demo.profile.church is not None and demo.profile.church.name == ARMENIAN
    assert demo.profile.timezone == "America/Los_Angeles"
    assert demo.profile.name == "Demo User"
    assert Membership.objects.filter(profile=demo.profile).count() >= 10
    for fast in Fast.objects.annotate(n=Count("memberships")):
        assert fast.participant_count == fast.n
    assert armenian_lent.participant_count == 2  # demo and ani

    assert "Fast of Nineveh" not in output  # one line per fast only with -v 2
    assert "Fast of Nineveh" in _load("-v", "2")
    assert "20 fasts already there" in _load()
    assert f"{ADMIN_EMAIL} / {ADMIN_PASSWORD}" in output
    assert "/api/docs/" in output
    assert "/admin/" in output


def test_second_run_changes_nothing() -> None:
    _load()
    before = _snapshot()
    output = _load()
    assert _snapshot() == before
    assert "0 churches, 0 fasts, 0 accounts and 0 joins created" in output


def test_a_staff_fast_on_a_demo_feast_date_is_kept() -> None:
    church = Church.objects.create(name=ORTHODOX)
    staff_fast = Fast.objects.create(
        name="Parish fast", church=church, culmination_feast_date=dt.date(2027, 8, 15)
    )
    output = _load()
    assert "skipped" in output
    assert Fast.objects.get(pk=staff_fast.pk).name == "Parish fast"
    assert not Fast.objects.filter(church=church, name="Dormition Fast", year=2027).exists()


def test_refuses_to_run_with_debug_off_unless_told() -> None:
    # Tests run with DEBUG off, like production.
    with pytest.raises(CommandError, match="published passwords"):
        call_command("load_demo_calendar", "--year=2027", stdout=StringIO())
    assert not User.objects.filter(username=ADMIN_EMAIL).exists()


def test_rules_feast_dates_are_unique_per_church() -> None:
    for year in range(2020, 2040):
        for plans in (
            armenian_fasts(year) + armenian_fasts(year + 1),
            orthodox_fasts(year) + orthodox_fasts(year + 1),
        ):
            feasts = [p.culmination_feast_date for p in plans if p.culmination_feast_date]
            assert len(feasts) == len(set(feasts))
            assert len({(p.name, p.year) for p in plans}) == len(plans)


def test_login_help_prints_urls() -> None:
    out = StringIO()
    call_command("demo_login_help", stdout=out)
    text = out.getvalue()
    for url in (
        "http://127.0.0.1:8000/api/",
        "http://127.0.0.1:8000/api/docs/",
        "http://127.0.0.1:8000/admin/",
    ):
        assert url in text
    assert f"demo@fasthub.local / {DEMO_PASSWORD}" in text


def test_the_banner_uses_the_address_the_server_will_answer_on() -> None:
    output = _load("--base-url", "http://192.0.2.7:8123")
    assert "http://192.0.2.7:8123/api/docs/" in output
    assert "127.0.0.1:8000" not in output
