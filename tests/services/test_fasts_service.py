"""Creating a fast from a date range and copying one to new dates (hub.services.fasts)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from hub.models import Day, Fast
from hub.services.fasts import fast_copy_to_dates, fast_create, fast_create_from_range
from tests.factories import ChurchFactory, make_fast

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int]:
    return Fast.objects.count(), Day.objects.count()


def test_create_from_range_makes_one_day_per_date() -> None:
    church = ChurchFactory()
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


def test_create_from_number_of_days_across_new_year() -> None:
    church = ChurchFactory()
    fast = fast_create_from_range(
        name="Advent", church=church, first_date=dt.date(2026, 12, 30), number_of_days=7
    )
    assert (fast.first_day, fast.last_day, fast.day_count, fast.year) == (
        dt.date(2026, 12, 30),
        dt.date(2027, 1, 5),
        7,
        2026,
    )


def test_single_day_range() -> None:
    church = ChurchFactory()
    fast = fast_create_from_range(
        name="Eve", church=church, first_date=dt.date(2027, 1, 5), last_date=dt.date(2027, 1, 5)
    )
    assert fast.day_count == 1


def test_create_with_non_contiguous_dates() -> None:
    church = ChurchFactory()
    dates = [dt.date(2027, 1, 6), dt.date(2027, 1, 1), dt.date(2027, 1, 6)]
    fast = fast_create(name="Weekly", church=church, dates=dates)
    assert fast.day_count == 2
    assert (fast.first_day, fast.last_day) == (dt.date(2027, 1, 1), dt.date(2027, 1, 6))


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
    church = ChurchFactory()
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


def test_empty_date_list_is_refused() -> None:
    with pytest.raises(ValidationError):
        fast_create(name="Nothing", church=ChurchFactory(), dates=[])
    assert _counts() == (0, 0)


def test_duplicate_name_church_and_year_is_refused() -> None:
    church = ChurchFactory()
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
        name="Great Lent", church=ChurchFactory(), first_date=dt.date(2027, 3, 1), number_of_days=2
    )


def test_duplicate_feast_date_in_a_church_is_refused() -> None:
    church = ChurchFactory()
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


def test_invalid_field_values_are_refused() -> None:
    church = ChurchFactory()
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


def test_copy_keeps_the_texts_and_takes_new_dates() -> None:
    church = ChurchFactory()
    source = fast_create_from_range(
        name="Nativity Fast",
        church=church,
        first_date=dt.date(2026, 11, 15),
        last_date=dt.date(2026, 12, 24),
        description="Forty days.",
        culmination_feast="Nativity",
        culmination_feast_date=dt.date(2026, 12, 25),
        url="https://example.org/nativity",
    )
    copy = fast_copy_to_dates(
        fast=source,
        first_date=dt.date(2027, 11, 15),
        last_date=dt.date(2027, 12, 24),
        culmination_feast_date=dt.date(2027, 12, 25),
    )
    assert copy.pk != source.pk
    assert (copy.name, copy.church_id, copy.description, copy.culmination_feast, copy.url) == (
        source.name,
        source.church_id,
        source.description,
        source.culmination_feast,
        source.url,
    )
    assert (copy.first_day, copy.last_day, copy.day_count, copy.year) == (
        dt.date(2027, 11, 15),
        dt.date(2027, 12, 24),
        40,
        2027,
    )
    assert copy.culmination_feast_date == dt.date(2027, 12, 25)
    source.refresh_from_db()
    assert source.day_count == 40


def test_copy_to_the_same_year_is_refused() -> None:
    church = ChurchFactory()
    source = fast_create_from_range(
        name="Dormition", church=church, first_date=dt.date(2027, 8, 1), number_of_days=14
    )
    before = _counts()
    with pytest.raises(ValidationError) as error:
        fast_copy_to_dates(fast=source, first_date=dt.date(2027, 9, 1), number_of_days=3)
    assert "name" in error.value.message_dict
    assert _counts() == before
