"""Creating fasts together with their days (staff admin, demo calendar), and the date patterns
staff think in: a range of dates, only some weekdays of it, a fast copied to new dates keeping
its pattern, and the dates to confirm before a fast is saved with them (pure functions, no
database).

A fast and its days are written in one transaction: the fast row and one ``bulk_create`` of
its days; the database's triggers fill in the fast's calendar summary (``first_day``,
``last_day``, ``day_count``, ``year``) and each day's church (migration 0004). Invalid input
raises Django's ``ValidationError`` (keyed by the field it concerns) before anything is written.

The two unique constraints on ``Fast`` are checked up front: ``(name, church, year)`` cannot be
left to the database, because ``year`` is only set by the triggers, after the days are inserted.
The database still has the last word under concurrency; a constraint violation that slips past
the checks is reported as the same ``ValidationError`` and rolls everything back.
"""

import calendar
import datetime as dt
from collections.abc import Collection, Iterable, Sequence, Sized
from enum import StrEnum
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hub.limits import MAX_FAST_DAYS
from hub.models import Church, Day, Fast


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
    weekdays: Collection[int] | None = None,
    description: str | None = None,
    culmination_feast: str | None = None,
    culmination_feast_date: dt.date | None = None,
    url: str | None = None,
) -> Fast:
    """A new fast with a day on each date of a range (see ``fast_dates_in_range``), or only on
    the chosen ``weekdays`` of it."""
    return fast_create(
        name=name,
        church=church,
        dates=fast_dates_in_range(
            first_date=first_date,
            last_date=last_date,
            number_of_days=number_of_days,
            weekdays=weekdays,
        ),
        description=description,
        culmination_feast=culmination_feast,
        culmination_feast_date=culmination_feast_date,
        url=url,
    )


def fast_copy(
    *,
    fast: Fast,
    dates: Iterable[dt.date],
    name: str,
    description: str | None,
    culmination_feast: str | None,
    culmination_feast_date: dt.date | None,
) -> Fast:
    """A copy of ``fast`` in its church, with its link, on ``dates`` (``fast_dates_move`` moves
    a fast's dates), under the given texts (staff may edit them while copying).

    The image is not copied: thumbnails are made when an image is saved, and the copy would
    share the file with the original.
    """
    return fast_create(
        name=name,
        church=fast.church,
        dates=dates,
        description=description,
        culmination_feast=culmination_feast,
        culmination_feast_date=culmination_feast_date,
        url=fast.url,
    )


# --- Date patterns (pure: no database) ----------------------------------------------------------

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DayPattern(StrEnum):
    """How a fast's days are carried to new dates when it is copied."""

    # Each day keeps its distance from the first day: a seasonal fast (Great Lent, Advent)
    # keeps its length and its gaps.
    OFFSETS = "offsets"
    # Every date of the moved span on one of the fast's weekdays: a weekly fast (Wednesdays and
    # Fridays) stays on its weekdays.
    WEEKDAYS = "weekdays"


class MovedDates(NamedTuple):
    dates: list[dt.date]
    culmination_feast_date: dt.date | None


class DaysReview(NamedTuple):
    """Dates a person should confirm before a fast is saved with them."""

    run: tuple[dt.date, dt.date] | None
    culmination_feast_date: dt.date | None
    outside_run: list[dt.date]
    after_feast: list[dt.date]
    no_days: bool

    @property
    def warnings(self) -> list[str]:
        messages = []
        if self.outside_run and self.run:
            first, last = self.run
            messages.append(
                f"{_count(self.outside_run, 'date')} outside the fast's current run "
                f"({first.isoformat()} to {last.isoformat()}): {_listed(self.outside_run)}."
            )
        if self.after_feast and self.culmination_feast_date:
            messages.append(
                f"{_count(self.after_feast, 'date')} after the culmination feast "
                f"({self.culmination_feast_date.isoformat()}): {_listed(self.after_feast)}."
            )
        if self.no_days:
            messages.append("The fast has no days: it shows in no calendar until it has some.")
        return messages


def fast_dates_in_range(
    *,
    first_date: dt.date,
    last_date: dt.date | None = None,
    number_of_days: int | None = None,
    weekdays: Collection[int] | None = None,
) -> list[dt.date]:
    """The dates from ``first_date`` through ``last_date`` (inclusive), or of ``number_of_days``
    calendar days; exactly one of the two is given. With ``weekdays`` (0 is Monday, as
    ``date.weekday()``), only the dates on those weekdays; none or empty means every date."""
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
    dates = [first_date + dt.timedelta(days=offset) for offset in range(count)]
    if weekdays:
        if not set(weekdays) <= set(range(7)):
            raise ValidationError({"weekdays": "Weekdays are numbered 0 (Monday) to 6 (Sunday)."})
        dates = [date for date in dates if date.weekday() in weekdays]
        if not dates:
            names = ", ".join(WEEKDAY_NAMES[day] for day in sorted(set(weekdays)))
            raise ValidationError({"weekdays": f"No date of the range is a {names}."})
    return dates


def fast_pattern_detect(*, dates: Collection[dt.date]) -> DayPattern:
    """``WEEKDAYS`` when the dates keep to some weekdays over more than one week (a weekday
    repeats and some weekday never occurs), else ``OFFSETS``."""
    weekdays = {date.weekday() for date in dates}
    if len(weekdays) < 7 and len(set(dates)) > len(weekdays):
        return DayPattern.WEEKDAYS
    return DayPattern.OFFSETS


def fast_dates_move(
    *,
    dates: Collection[dt.date],
    culmination_feast_date: dt.date | None,
    pattern: DayPattern,
    first_date: dt.date | None = None,
    year: int | None = None,
) -> MovedDates:
    """A fast's dates moved to begin on ``first_date``, or into ``year`` (the same calendar
    dates, as far as the fast's first day is concerned); exactly one of the two is given.

    ``OFFSETS``: each day keeps its distance from the first day, and so does the feast.
    ``WEEKDAYS``: the span from the first to the last day moves (to ``first_date``, or by whole
    years: February 29 becomes February 28) and every date of it on one of the fast's weekdays
    is a day; the feast moves as the span does. Days the source left out on those weekdays (a
    fast-free week) are days of the copy: they move from year to year.
    """
    if (first_date is None) == (year is None):
        raise ValidationError(
            {"first_date": "Give either a new first date or a year (exactly one)."}
        )
    source = sorted(set(dates))
    if not source:
        raise ValidationError({"first_date": "The fast has no days to copy."})
    first, last = source[0], source[-1]
    if year is not None and not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValidationError({"year": f"{year} is not a year a fast can be in."})

    def moved(date: dt.date) -> dt.date:
        if first_date is not None:
            return first_date + (date - first)
        assert year is not None
        return _in_year(date, date.year + year - first.year)

    feast = culmination_feast_date
    try:
        if pattern is DayPattern.OFFSETS:
            start = moved(first)
            new_dates = [start + (date - first) for date in source]
            new_feast = start + (feast - first) if feast else None
        else:
            weekdays = {date.weekday() for date in source}
            span_first, span_last = moved(first), moved(last)
            span = (span_last - span_first).days + 1
            every = (span_first + dt.timedelta(days=offset) for offset in range(span))
            new_dates = [date for date in every if date.weekday() in weekdays]
            new_feast = moved(feast) if feast else None
    except (OverflowError, ValueError):
        raise ValidationError(
            {"first_date": "The moved dates fall outside the calendar."}
        ) from None
    return MovedDates(dates=new_dates, culmination_feast_date=new_feast)


def fast_days_review(
    *,
    before: Collection[dt.date],
    after: Collection[dt.date],
    culmination_feast_date: dt.date | None,
    feast_date_before: dt.date | None = None,
) -> DaysReview:
    """What to confirm when a fast's days go from ``before`` to ``after``: dates added outside
    the run the fast had (first to last day), dates after its culmination feast (the added
    ones, or all of them when the feast date changed), and a fast left without days."""
    run = (min(before), max(before)) if before else None
    added = sorted(set(after) - set(before))
    outside = [d for d in added if run and not run[0] <= d <= run[1]]
    checked = sorted(set(after)) if culmination_feast_date != feast_date_before else added
    after_feast = [d for d in checked if culmination_feast_date and d > culmination_feast_date]
    return DaysReview(
        run=run,
        culmination_feast_date=culmination_feast_date,
        outside_run=outside,
        after_feast=after_feast,
        no_days=not after,
    )


def _in_year(date: dt.date, year: int) -> dt.date:
    if date.month == 2 and date.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return date.replace(year=year)


def _count(dates: Sized, noun: str) -> str:
    return f"1 {noun} is" if len(dates) == 1 else f"{len(dates)} {noun}s are"


def _listed(dates: Sequence[dt.date], limit: int = 10) -> str:
    shown = ", ".join(date.strftime("%a %Y-%m-%d") for date in dates[:limit])
    return shown if len(dates) <= limit else f"{shown} and {len(dates) - limit} more"


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
