"""Creating a fast from a date range, the date patterns staff think in (weekdays, copies to new
dates, dates to confirm) and copying a fast (hub.services.fasts)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hub.models import Day, Fast
from hub.services.fasts import (
    DayPattern,
    fast_copy,
    fast_create,
    fast_create_from_range,
    fast_dates_in_range,
    fast_dates_move,
    fast_days_review,
    fast_pattern_detect,
)
from tests.support.factories import make_church, make_fast

WEDNESDAY, FRIDAY = 2, 4


def _every(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _wednesdays_and_fridays(year: int) -> list[dt.date]:
    """Every Wednesday and Friday of ``year`` outside one fast-free week (January 6 to 13)."""
    free = _every(dt.date(year, 1, 6), dt.date(year, 1, 13))
    return [
        d
        for d in _every(dt.date(year, 1, 1), dt.date(year, 12, 31))
        if d.weekday() in (WEDNESDAY, FRIDAY) and d not in free
    ]


def _counts() -> tuple[int, int]:
    return Fast.objects.count(), Day.objects.count()


@pytest.mark.django_db
def test_create_from_range_makes_one_day_per_date() -> None:
    church = make_church()
    fast = fast_create_from_range(
        name="Dormition Fast",
        church=church,
        first_date=dt.date(2027, 8, 1),
        last_date=dt.date(2027, 8, 14),
        culmination_feast="Dormition",
        culmination_feast_date=dt.date(2027, 8, 15),
        description="Two weeks.",
        url="https://example.org/dormition",
    )
    dates = list(Day.objects.filter(fast=fast).order_by("date").values_list("date", flat=True))
    assert dates == [dt.date(2027, 8, 1) + dt.timedelta(days=n) for n in range(14)]
    assert set(Day.objects.filter(fast=fast).values_list("church_id", flat=True)) == {church.pk}
    assert (fast.first_day, fast.last_day, fast.day_count, fast.year) == (
        dt.date(2027, 8, 1),
        dt.date(2027, 8, 14),
        14,
        2027,
    )
    assert fast.culmination_feast_date == dt.date(2027, 8, 15)


@pytest.mark.django_db
def test_create_from_number_of_days_across_new_year() -> None:
    church = make_church()
    fast = fast_create_from_range(
        name="Advent", church=church, first_date=dt.date(2026, 12, 30), number_of_days=7
    )
    assert (fast.first_day, fast.last_day, fast.day_count, fast.year) == (
        dt.date(2026, 12, 30),
        dt.date(2027, 1, 5),
        7,
        2026,
    )


@pytest.mark.django_db
def test_single_day_range() -> None:
    church = make_church()
    fast = fast_create_from_range(
        name="Eve", church=church, first_date=dt.date(2027, 1, 5), last_date=dt.date(2027, 1, 5)
    )
    assert fast.day_count == 1


@pytest.mark.django_db
def test_create_with_non_contiguous_dates() -> None:
    church = make_church()
    dates = [dt.date(2027, 1, 6), dt.date(2027, 1, 1), dt.date(2027, 1, 6)]
    fast = fast_create(name="Weekly", church=church, dates=dates)
    assert fast.day_count == 2
    assert (fast.first_day, fast.last_day) == (dt.date(2027, 1, 1), dt.date(2027, 1, 6))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"last_date": dt.date(2027, 2, 28)}, "last_date", "reversed"),
        ({}, "last_date", "exactly one"),
        ({"last_date": dt.date(2027, 3, 5), "number_of_days": 5}, "last_date", "exactly one"),
        ({"number_of_days": 0}, "number_of_days", "from 1 to 400"),
        ({"number_of_days": -3}, "number_of_days", "from 1 to 400"),
        ({"number_of_days": 401}, "number_of_days", "from 1 to 400"),
        ({"last_date": dt.date(2028, 6, 1)}, "last_date", "at most 400"),
    ],
)
def test_bad_ranges_create_nothing(kwargs: dict[str, object], field: str, fragment: str) -> None:
    church = make_church()
    before = _counts()
    with pytest.raises(ValidationError) as error:
        fast_create_from_range(
            name="Lent",
            church=church,
            first_date=dt.date(2027, 3, 1),
            **kwargs,  # type: ignore[arg-type]
        )
    assert fragment in " ".join(error.value.message_dict[field])
    assert _counts() == before


@pytest.mark.django_db
def test_empty_date_list_is_refused() -> None:
    with pytest.raises(ValidationError):
        fast_create(name="Nothing", church=make_church(), dates=[])
    assert _counts() == (0, 0)


@pytest.mark.django_db
def test_duplicate_name_church_and_year_is_refused() -> None:
    church = make_church()
    make_fast(church=church, name="Great Lent", start=dt.date(2027, 3, 15), days=3)
    before = _counts()
    with pytest.raises(ValidationError) as error:
        fast_create_from_range(
            name="Great Lent", church=church, first_date=dt.date(2027, 11, 1), number_of_days=2
        )
    assert 'already has a fast named "Great Lent" in 2027' in error.value.message_dict["name"][0]
    assert _counts() == before
    # Same name in another year, or in another church, is fine.
    fast_create_from_range(
        name="Great Lent", church=church, first_date=dt.date(2028, 3, 1), number_of_days=2
    )
    fast_create_from_range(
        name="Great Lent", church=make_church(), first_date=dt.date(2027, 3, 1), number_of_days=2
    )


@pytest.mark.django_db
def test_duplicate_feast_date_in_a_church_is_refused() -> None:
    church = make_church()
    make_fast(
        church=church,
        name="Great Lent",
        start=dt.date(2027, 3, 15),
        days=3,
        culmination_feast_date=dt.date(2027, 5, 2),
    )
    before = _counts()
    with pytest.raises(ValidationError) as error:
        fast_create_from_range(
            name="Other",
            church=church,
            first_date=dt.date(2027, 4, 1),
            number_of_days=2,
            culmination_feast_date=dt.date(2027, 5, 2),
        )
    message = error.value.message_dict["culmination_feast_date"][0]
    assert '"Great Lent"' in message
    assert "2027-05-02" in message
    assert _counts() == before


@pytest.mark.django_db
def test_invalid_field_values_are_refused() -> None:
    church = make_church()
    with pytest.raises(ValidationError) as error:
        fast_create_from_range(
            name="",
            church=church,
            first_date=dt.date(2027, 4, 1),
            number_of_days=2,
            url="not a url",
        )
    assert {"name", "url"} <= set(error.value.message_dict)
    assert _counts() == (0, 0)


# --- Weekdays of a range -------------------------------------------------------------------------


def test_weekdays_keep_only_those_dates_of_the_range() -> None:
    dates = fast_dates_in_range(
        first_date=dt.date(2027, 1, 1), last_date=dt.date(2027, 1, 31), weekdays=[FRIDAY, WEDNESDAY]
    )
    expected = [
        d for d in _every(dt.date(2027, 1, 1), dt.date(2027, 1, 31)) if d.weekday() in (2, 4)
    ]
    assert dates == expected
    assert len(dates) == 9  # Jan 2027: 1st is a Friday; five Fridays, four Wednesdays
    # No weekdays (or none ticked) means every date.
    assert fast_dates_in_range(first_date=dt.date(2027, 1, 1), number_of_days=3, weekdays=[]) == [
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 2),
        dt.date(2027, 1, 3),
    ]


@pytest.mark.parametrize(
    ("weekdays", "fragment"),
    [([WEDNESDAY], "No date of the range is a Wednesday"), ([7], "numbered 0 (Monday) to 6")],
)
def test_weekdays_that_give_no_day_are_refused(weekdays: list[int], fragment: str) -> None:
    with pytest.raises(ValidationError) as error:
        # Thursday to Saturday: no Wednesday.
        fast_dates_in_range(first_date=dt.date(2027, 1, 7), number_of_days=3, weekdays=weekdays)
    assert fragment in error.value.message_dict["weekdays"][0]


@pytest.mark.django_db
def test_create_from_range_with_weekdays() -> None:
    fast = fast_create_from_range(
        name="Wednesday and Friday Fasts",
        church=make_church(),
        first_date=dt.date(2027, 1, 1),
        last_date=dt.date(2027, 12, 31),
        weekdays=[WEDNESDAY, FRIDAY],
    )
    dates = list(fast.days.order_by("date").values_list("date", flat=True))
    assert {d.weekday() for d in dates} == {WEDNESDAY, FRIDAY}
    assert len(dates) == 105  # 53 Fridays and 52 Wednesdays in 2027
    assert (fast.first_day, fast.last_day, fast.day_count) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
        105,
    )


# --- Detecting a fast's pattern ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "pattern"),
    [
        (_every(dt.date(2027, 3, 15), dt.date(2027, 5, 1)), DayPattern.OFFSETS),  # Great Lent
        (_every(dt.date(2027, 1, 18), dt.date(2027, 1, 22)), DayPattern.OFFSETS),  # 5 weekdays
        ([dt.date(2027, 1, 6)], DayPattern.OFFSETS),
        ([], DayPattern.OFFSETS),
        (_wednesdays_and_fridays(2027), DayPattern.WEEKDAYS),
        # Monday to Friday of two weeks.
        (
            [d for d in _every(dt.date(2027, 3, 1), dt.date(2027, 3, 12)) if d.weekday() < 5],
            DayPattern.WEEKDAYS,
        ),
    ],
)
def test_pattern_detection(dates: list[dt.date], pattern: DayPattern) -> None:
    assert fast_pattern_detect(dates=dates) is pattern


# --- Moving a fast's dates -----------------------------------------------------------------------


def test_weekly_fast_moved_to_next_year_keeps_its_weekdays_over_the_moved_span() -> None:
    source = _wednesdays_and_fridays(2027)
    assert (source[0], source[-1]) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    moved = fast_dates_move(
        dates=source, culmination_feast_date=None, pattern=DayPattern.WEEKDAYS, year=2028
    )
    expected = [
        d for d in _every(dt.date(2028, 1, 1), dt.date(2028, 12, 31)) if d.weekday() in (2, 4)
    ]
    assert moved.dates == expected
    assert {d.weekday() for d in moved.dates} == {WEDNESDAY, FRIDAY}
    assert moved.culmination_feast_date is None
    # Copying the same dates by their offsets is what made 351-day messes of weekly fasts:
    # the days keep their gaps, not their weekdays.
    by_offsets = fast_dates_move(
        dates=source, culmination_feast_date=None, pattern=DayPattern.OFFSETS, year=2028
    )
    assert {d.weekday() for d in by_offsets.dates} != {WEDNESDAY, FRIDAY}


def test_weekly_fast_moved_to_a_first_date() -> None:
    source = [dt.date(2027, 3, 3), dt.date(2027, 3, 5), dt.date(2027, 3, 10)]  # Wed, Fri, Wed
    moved = fast_dates_move(
        dates=source,
        culmination_feast_date=dt.date(2027, 3, 11),
        pattern=DayPattern.WEEKDAYS,
        first_date=dt.date(2027, 6, 1),  # a Tuesday; the span is 8 days
    )
    assert moved.dates == [dt.date(2027, 6, 2), dt.date(2027, 6, 4)]
    assert moved.culmination_feast_date == dt.date(2027, 6, 9)


def test_seasonal_fast_moved_by_offsets_keeps_length_gaps_and_feast_distance() -> None:
    source = [*_every(dt.date(2026, 11, 15), dt.date(2026, 11, 20)), dt.date(2026, 12, 24)]
    moved = fast_dates_move(
        dates=source,
        culmination_feast_date=dt.date(2026, 12, 25),
        pattern=DayPattern.OFFSETS,
        first_date=dt.date(2027, 11, 16),
    )
    assert moved.dates == [
        *_every(dt.date(2027, 11, 16), dt.date(2027, 11, 21)),
        dt.date(2027, 12, 25),
    ]
    assert moved.culmination_feast_date == dt.date(2027, 12, 26)
    by_year = fast_dates_move(
        dates=source,
        culmination_feast_date=dt.date(2026, 12, 25),
        pattern=DayPattern.OFFSETS,
        year=2027,
    )
    assert by_year.dates == [
        *_every(dt.date(2027, 11, 15), dt.date(2027, 11, 20)),
        dt.date(2027, 12, 24),
    ]
    assert by_year.culmination_feast_date == dt.date(2027, 12, 25)


def test_a_fast_across_new_year_moves_into_the_year_of_its_first_day() -> None:
    source = _every(dt.date(2026, 12, 30), dt.date(2027, 1, 5))
    moved = fast_dates_move(
        dates=source,
        culmination_feast_date=dt.date(2027, 1, 6),
        pattern=DayPattern.WEEKDAYS,
        year=2027,
    )
    assert moved.dates == _every(dt.date(2027, 12, 30), dt.date(2028, 1, 5))
    assert moved.culmination_feast_date == dt.date(2028, 1, 6)


def test_february_29_becomes_february_28_in_a_common_year() -> None:
    source = [dt.date(2028, 2, 29), dt.date(2028, 3, 1)]  # Tuesday, Wednesday
    moved = fast_dates_move(
        dates=source, culmination_feast_date=None, pattern=DayPattern.WEEKDAYS, year=2029
    )
    # The span is February 28 to March 1, 2029 (Wednesday to Thursday): its Tuesdays and
    # Wednesdays.
    assert moved.dates == [dt.date(2029, 2, 28)]
    offsets = fast_dates_move(
        dates=source, culmination_feast_date=None, pattern=DayPattern.OFFSETS, year=2029
    )
    assert offsets.dates == [dt.date(2029, 2, 28), dt.date(2029, 3, 1)]


@pytest.mark.parametrize(
    ("dates", "kwargs", "field", "fragment"),
    [
        ([dt.date(2027, 1, 1)], {}, "first_date", "exactly one"),
        (
            [dt.date(2027, 1, 1)],
            {"year": 2028, "first_date": dt.date(2028, 1, 1)},
            "first_date",
            "exactly one",
        ),
        ([], {"year": 2028}, "first_date", "no days to copy"),
        ([dt.date(2027, 1, 1)], {"year": 10_000}, "year", "not a year"),
        (
            [dt.date(2027, 12, 31), dt.date(2028, 1, 1)],
            {"year": 9999},
            "first_date",
            "outside the calendar",
        ),
    ],
)
def test_bad_moves_are_refused(
    dates: list[dt.date], kwargs: dict[str, object], field: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as error:
        fast_dates_move(
            dates=dates,
            culmination_feast_date=dt.date(2027, 12, 31) if dates else None,
            pattern=DayPattern.OFFSETS,
            **kwargs,  # type: ignore[arg-type]
        )
    assert fragment in error.value.message_dict[field][0]


# --- Dates to confirm ----------------------------------------------------------------------------


def test_review_of_a_day_typed_with_the_wrong_year() -> None:
    december = _every(dt.date(2026, 12, 10), dt.date(2026, 12, 24))
    review = fast_days_review(
        before=december,
        after=[*december, dt.date(2027, 1, 2)],
        culmination_feast_date=dt.date(2026, 12, 25),
        feast_date_before=dt.date(2026, 12, 25),
    )
    assert review.outside_run == [dt.date(2027, 1, 2)]
    assert review.after_feast == [dt.date(2027, 1, 2)]
    assert not review.no_days
    assert review.warnings == [
        "1 date is outside the fast's current run (2026-12-10 to 2026-12-24): Sat 2027-01-02.",
        "1 date is after the culmination feast (2026-12-25): Sat 2027-01-02.",
    ]


def test_review_passes_edits_inside_the_run_and_before_the_feast() -> None:
    days = _every(dt.date(2027, 3, 1), dt.date(2027, 3, 10))
    review = fast_days_review(
        before=days,
        after=[*days[:4], *days[5:], dt.date(2027, 3, 5)],  # moved within the run
        culmination_feast_date=dt.date(2027, 3, 11),
        feast_date_before=dt.date(2027, 3, 11),
    )
    assert review.warnings == []
    # A fast without a run yet (a new one) has nothing to be outside of.
    assert fast_days_review(before=[], after=days, culmination_feast_date=None).warnings == []


def test_review_of_a_feast_date_moved_before_existing_days() -> None:
    days = _every(dt.date(2027, 3, 1), dt.date(2027, 3, 30))
    review = fast_days_review(
        before=days,
        after=days,
        culmination_feast_date=dt.date(2027, 3, 27),
        feast_date_before=dt.date(2027, 3, 31),
    )
    assert review.after_feast == days[-3:]
    assert review.warnings == [
        "3 dates are after the culmination feast (2027-03-27): "
        "Sun 2027-03-28, Mon 2027-03-29, Tue 2027-03-30."
    ]
    # Unchanged, the same feast date is not questioned again.
    unchanged = fast_days_review(
        before=days,
        after=days,
        culmination_feast_date=dt.date(2027, 3, 27),
        feast_date_before=dt.date(2027, 3, 27),
    )
    assert unchanged.warnings == []


def test_review_lists_at_most_ten_dates_and_flags_a_fast_without_days() -> None:
    late = _every(dt.date(2027, 4, 1), dt.date(2027, 4, 12))
    review = fast_days_review(before=[], after=late, culmination_feast_date=dt.date(2027, 3, 31))
    assert review.warnings[0].endswith("Sat 2027-04-10 and 2 more.")
    assert review.warnings[0].startswith("12 dates are after the culmination feast")
    empty = fast_days_review(before=[dt.date(2027, 4, 1)], after=[], culmination_feast_date=None)
    assert empty.no_days
    assert empty.warnings == ["The fast has no days: it shows in no calendar until it has some."]


# --- Copying a fast ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_copy_keeps_church_and_link_and_takes_new_texts_and_dates() -> None:
    church = make_church()
    source = fast_create(
        name="Wednesday and Friday Fasts",
        church=church,
        dates=_wednesdays_and_fridays(2027),
        description="Wednesdays and Fridays.",
        url="https://example.org/weekly",
    )
    moved = fast_dates_move(
        dates=_wednesdays_and_fridays(2027),
        culmination_feast_date=None,
        pattern=DayPattern.WEEKDAYS,
        year=2028,
    )
    copy = fast_copy(
        fast=source,
        dates=moved.dates,
        name="Wednesday and Friday Fasts",
        description="Wednesdays and Fridays of 2028.",
        culmination_feast=None,
        culmination_feast_date=None,
    )
    assert copy.pk != source.pk
    assert (copy.church_id, copy.url, copy.description, copy.year) == (
        church.pk,
        "https://example.org/weekly",
        "Wednesdays and Fridays of 2028.",
        2028,
    )
    dates = list(copy.days.order_by("date").values_list("date", flat=True))
    assert dates == moved.dates
    assert {d.weekday() for d in dates} == {WEDNESDAY, FRIDAY}
    source.refresh_from_db()
    assert source.day_count == len(_wednesdays_and_fridays(2027))


@pytest.mark.django_db
def test_copy_to_the_same_year_is_refused() -> None:
    church = make_church()
    source = fast_create_from_range(
        name="Dormition", church=church, first_date=dt.date(2027, 8, 1), number_of_days=14
    )
    before = _counts()
    with pytest.raises(ValidationError) as error:
        fast_copy(
            fast=source,
            dates=[dt.date(2027, 9, 1)],
            name="Dormition",
            description=None,
            culmination_feast=None,
            culmination_feast_date=None,
        )
    assert "name" in error.value.message_dict
    assert _counts() == before
