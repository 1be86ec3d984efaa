"""Creating fasts together with their days (staff admin, demo calendar).

A fast and its days are written in one transaction: the fast row and one ``bulk_create`` of
its days; the database's triggers fill in the fast's calendar summary (``first_day``,
``last_day``, ``day_count``, ``year``) and each day's church (migration 0004). Invalid input
raises Django's ``ValidationError`` (keyed by the field it concerns) before anything is written.

The two unique constraints on ``Fast`` are checked up front: ``(name, church, year)`` cannot be
left to the database, because ``year`` is only set by the triggers, after the days are inserted.
The database still has the last word under concurrency; a constraint violation that slips past
the checks is reported as the same ``ValidationError`` and rolls everything back.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hub.models import Church, Day, Fast

MAX_FAST_DAYS = 400


def fast_create(
    *,
    name: str,
    church: Church,
    dates: Iterable[dt.date],
    description: str | None = None,
    culmination_feast: str | None = None,
    culmination_feast_date: dt.date | None = None,
    url: str | None = None,
) -> Fast:
    """A new fast with one day per distinct date (which need not be contiguous)."""
    days = sorted(set(dates))
    if not days:
        raise ValidationError({"first_date": "A fast needs at least one day."})
    if len(days) > MAX_FAST_DAYS:
        raise ValidationError(
            {"last_date": f"A fast has at most {MAX_FAST_DAYS} days (got {len(days)})."}
        )
    fast = Fast(
        name=name,
        church=church,
        description=description or None,
        culmination_feast=culmination_feast or None,
        culmination_feast_date=culmination_feast_date,
        url=url or None,
    )
    # Field-level checks (lengths, URL); the unique constraints are checked just below.
    fast.full_clean(validate_unique=False, validate_constraints=False)
    _check_unique(fast=fast, year=days[0].year)
    try:
        with transaction.atomic():
            fast.save()
            fast_days_add(days=[(fast.pk, day) for day in days])
    except IntegrityError:
        # A concurrent writer took the name or feast date between the check and the insert.
        fast.pk = None
        _check_unique(fast=fast, year=days[0].year)
        raise
    fast.refresh_from_db()
    return fast


def fast_days_add(*, days: Iterable[tuple[int, dt.date]], batch_size: int = 5000) -> None:
    """Add days, given as (fast id, date), to existing fasts: one INSERT per batch.

    Each day goes in its fast's church; the database then refreshes the fasts' calendar
    summaries, the members' day index and the cache versions (migration 0004). A date a fast
    already has violates the unique (fast, date) constraint (``IntegrityError``).
    """
    rows = list(days)
    churches = dict(
        Fast.objects.filter(pk__in={fast_id for fast_id, _ in rows}).values_list("pk", "church_id")
    )
    Day.objects.bulk_create(
        [Day(fast_id=fast_id, date=date, church_id=churches[fast_id]) for fast_id, date in rows],
        batch_size=batch_size,
    )


def fast_create_from_range(
    *,
    name: str,
    church: Church,
    first_date: dt.date,
    last_date: dt.date | None = None,
    number_of_days: int | None = None,
    description: str | None = None,
    culmination_feast: str | None = None,
    culmination_feast_date: dt.date | None = None,
    url: str | None = None,
) -> Fast:
    """A new fast with one day per date from ``first_date`` through ``last_date`` (inclusive),
    or for ``number_of_days`` days; exactly one of the two is given."""
    return fast_create(
        name=name,
        church=church,
        dates=date_range(first_date=first_date, last_date=last_date, number_of_days=number_of_days),
        description=description,
        culmination_feast=culmination_feast,
        culmination_feast_date=culmination_feast_date,
        url=url,
    )


def fast_copy_to_dates(
    *,
    fast: Fast,
    first_date: dt.date,
    last_date: dt.date | None = None,
    number_of_days: int | None = None,
    culmination_feast_date: dt.date | None = None,
) -> Fast:
    """A copy of ``fast`` (name, church, description, feast name, link) on a new date range.

    The image is not copied: thumbnails are made when an image is saved, and the copy would
    share the file with the original.
    """
    return fast_create_from_range(
        name=fast.name,
        church=fast.church,
        first_date=first_date,
        last_date=last_date,
        number_of_days=number_of_days,
        description=fast.description,
        culmination_feast=fast.culmination_feast,
        culmination_feast_date=culmination_feast_date,
        url=fast.url,
    )


def date_range(
    *, first_date: dt.date, last_date: dt.date | None = None, number_of_days: int | None = None
) -> list[dt.date]:
    """The dates of an inclusive range given by its last date or its length (validated)."""
    if (last_date is None) == (number_of_days is None):
        raise ValidationError(
            {"last_date": "Give either the last date or the number of days (exactly one)."}
        )
    if number_of_days is not None:
        if number_of_days < 1 or number_of_days > MAX_FAST_DAYS:
            raise ValidationError(
                {"number_of_days": f"The number of days must be from 1 to {MAX_FAST_DAYS}."}
            )
        count = number_of_days
    else:
        assert last_date is not None
        if last_date < first_date:
            raise ValidationError(
                {"last_date": "The last date is before the first date: the range is reversed."}
            )
        count = (last_date - first_date).days + 1
        if count > MAX_FAST_DAYS:
            raise ValidationError(
                {"last_date": f"A fast has at most {MAX_FAST_DAYS} days (this range has {count})."}
            )
    return [first_date + dt.timedelta(days=offset) for offset in range(count)]


def _check_unique(*, fast: Fast, year: int) -> None:
    others = Fast.objects.filter(church=fast.church)
    if fast.pk is not None:
        others = others.exclude(pk=fast.pk)
    errors: dict[str, str] = {}
    if others.filter(name=fast.name, year=year).exists():
        errors["name"] = (
            f'{fast.church} already has a fast named "{fast.name}" in {year}; '
            "choose other dates or another name."
        )
    feast_date = fast.culmination_feast_date
    if feast_date is not None:
        clash = others.filter(culmination_feast_date=feast_date).values_list("name", flat=True)
        clash_name = clash.first()
        if clash_name is not None:
            errors["culmination_feast_date"] = (
                f'{fast.church} already has a fast ("{clash_name}") culminating on '
                f"{feast_date.isoformat()}; a church has one fast per feast date."
            )
    if errors:
        raise ValidationError(errors)
