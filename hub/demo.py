"""The demo calendar's rules: which fasts each demo church keeps in a year, and on which dates.

Pure date arithmetic, no database: ``hub.services.demo`` writes what these functions
plan. Movable fasts are counted from the church's Easter (``dateutil.easter``), fixed ones from
their feast. The rules are deliberately simple and stated next to each fast; they are good
enough for a realistic demo, not a liturgical authority.

* Armenian Apostolic Church: Western (Gregorian) Easter, which the Armenian Church keeps in
  most dioceses (the Patriarchate of Jerusalem keeps the Julian calendar; not modelled).
  Nativity and Theophany are one feast on January 6.
* Eastern Orthodox Church: Orthodox Easter (Julian computus, given as a Gregorian date) and
  fixed feasts on the Revised Julian ("new") calendar, as in the Greek, Antiochian and
  Romanian churches (Old Calendar churches keep them 13 days later; not modelled).
* Roman Catholic Church: Western Easter.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

ARMENIAN = "Armenian Apostolic Church"
ORTHODOX = "Eastern Orthodox Church"
CATHOLIC = "Roman Catholic Church"

# Demo accounts. Known passwords: load_demo_calendar refuses to run with DEBUG off unless told.
DEMO_PASSWORD = "Fasthub-demo-Vigil-4721"  # noqa: S105 (published on purpose)
ADMIN_EMAIL = "admin@fasthub.local"
ADMIN_PASSWORD = "Fasthub-admin-Matins-8350"  # noqa: S105 (published on purpose)


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    church: str
    timezone: str
    location: str
    # Also joins these fasts of other churches (by name), besides its own church's fasts.
    also_joins: tuple[tuple[str, str], ...] = ()


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        email="demo@fasthub.local",
        name="Demo User",
        church=ARMENIAN,
        timezone="America/Los_Angeles",
        location="Glendale, CA",
        also_joins=((ORTHODOX, "Nativity Fast"),),
    ),
    DemoUser(
        email="ani@fasthub.local",
        name="Ani",
        church=ARMENIAN,
        timezone="Asia/Yerevan",
        location="Yerevan",
    ),
    DemoUser(
        email="nikos@fasthub.local",
        name="Nikos",
        church=ORTHODOX,
        timezone="Europe/Athens",
        location="Thessaloniki",
    ),
    DemoUser(
        email="maria@fasthub.local",
        name="Maria",
        church=CATHOLIC,
        timezone="America/New_York",
        location="Boston, MA",
    ),
)


@dataclass(frozen=True)
class FastPlan:
    name: str
    dates: tuple[dt.date, ...]
    description: str
    culmination_feast: str | None = None
    culmination_feast_date: dt.date | None = None
    url: str | None = None

    @property
    def year(self) -> int:
        return min(self.dates).year


def days_between(first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """Every date from ``first`` through ``last``, inclusive."""
    return tuple(first + dt.timedelta(days=n) for n in range((last - first).days + 1))


def _day(easter_day: dt.date, offset: int) -> dt.date:
    return easter_day + dt.timedelta(days=offset)


# --- Armenian Apostolic Church -----------------------------------------------------------------


def _armenian_dormition_sunday(year: int) -> dt.date:
    """The Assumption is kept on the Sunday nearest August 15 (August 12 to 18)."""
    aug15 = dt.date(year, 8, 15)
    offset = (6 - aug15.weekday()) % 7  # days to the next Sunday (0 when Aug 15 is a Sunday)
    return aug15 + dt.timedelta(days=offset if offset <= 3 else offset - 7)


def _armenian_seasonal(year: int) -> list[FastPlan]:
    """Armenian fasts whose first day falls in ``year`` (weekly fasts excluded)."""
    e = easter(year, EASTER_WESTERN)
    dormition = _armenian_dormition_sunday(year)
    theophany = dt.date(year + 1, 1, 6)
    return [
        FastPlan(
            # Monday to Friday three weeks before Great Lent; the Saturday is St Sarkis's day.
            name="Fast of Nineveh",
            dates=days_between(_day(e, -69), _day(e, -65)),
            description="Five days of repentance, after the people of Nineveh (Jonah 3).",
            culmination_feast="Feast of St. Sarkis the Warrior",
            culmination_feast_date=_day(e, -64),
        ),
        FastPlan(
            # The forty days from the Monday after Poon Paregentan (Easter-48) to the Friday
            # Easter-9, then Lazarus Saturday, Palm Sunday and Holy Week: Easter-48..Easter-1.
            name="Great Lent",
            dates=days_between(_day(e, -48), _day(e, -1)),
            description="The forty days of Lent and Holy Week, before the Resurrection.",
            culmination_feast="Easter (Surb Zatik)",
            culmination_feast_date=e,
        ),
        FastPlan(
            # Monday to Friday before the Sunday of the Assumption.
            name="Dormition Fast",
            dates=days_between(dormition - dt.timedelta(days=6), dormition - dt.timedelta(days=2)),
            description="A week of preparation for the Assumption of the Holy Mother of God.",
            culmination_feast="Assumption of the Holy Mother of God",
            culmination_feast_date=dormition,
        ),
        FastPlan(
            # The seven days before January 6: December 30 to January 5.
            name="Fast of the Nativity and Theophany",
            dates=days_between(dt.date(year, 12, 30), dt.date(year + 1, 1, 5)),
            description="The week before Armenian Christmas, the Nativity and Theophany.",
            culmination_feast="Nativity and Theophany (Armenian Christmas)",
            culmination_feast_date=theophany,
        ),
    ]


def _armenian_weekly(year: int) -> FastPlan:
    """Every Wednesday and Friday of ``year`` except the fast-free periods (January 6 to 13,
    and Easter through Pentecost Sunday, Easter+49) and days already in a seasonal fast of
    this or the previous year's calendar (so no day is counted twice). One fast per year with
    non-contiguous days, and no feast date."""
    e = easter(year, EASTER_WESTERN)
    free = set(days_between(dt.date(year, 1, 6), dt.date(year, 1, 13)))
    free |= set(days_between(e, _day(e, 49)))
    for plan in _armenian_seasonal(year - 1) + _armenian_seasonal(year):
        free |= set(plan.dates)
    dates = tuple(
        day
        for day in days_between(dt.date(year, 1, 1), dt.date(year, 12, 31))
        if day.weekday() in (2, 4) and day not in free
    )
    return FastPlan(
        name="Wednesday and Friday Fasts",
        dates=dates,
        description=(
            "Wednesdays (the betrayal) and Fridays (the Crucifixion), outside the fast-free "
            "weeks and the seasonal fasts."
        ),
    )


def armenian_fasts(year: int) -> list[FastPlan]:
    return [*_armenian_seasonal(year), _armenian_weekly(year)]


# --- Eastern Orthodox Church -------------------------------------------------------------------


def orthodox_fasts(year: int) -> list[FastPlan]:
    e = easter(year, EASTER_ORTHODOX)
    plans = [
        FastPlan(
            # Clean Monday (Easter-48) through Holy Saturday (Easter-1).
            name="Great Lent",
            dates=days_between(_day(e, -48), _day(e, -1)),
            description="Great Lent and Holy Week, from Clean Monday to Holy Saturday.",
            culmination_feast="Pascha",
            culmination_feast_date=e,
        ),
    ]
    # Monday after All Saints (Easter+57) through June 28; none in years when Easter is so late
    # that this Monday falls after June 28.
    apostles_first, apostles_last = _day(e, 57), dt.date(year, 6, 28)
    if apostles_first <= apostles_last:
        plans.append(
            FastPlan(
                name="Apostles' Fast",
                dates=days_between(apostles_first, apostles_last),
                description="From the Monday after All Saints to the eve of Sts Peter and Paul.",
                culmination_feast="Sts Peter and Paul",
                culmination_feast_date=dt.date(year, 6, 29),
            )
        )
    plans += [
        FastPlan(
            name="Dormition Fast",
            dates=days_between(dt.date(year, 8, 1), dt.date(year, 8, 14)),
            description="The two weeks before the Dormition of the Theotokos.",
            culmination_feast="Dormition of the Theotokos",
            culmination_feast_date=dt.date(year, 8, 15),
        ),
        FastPlan(
            name="Nativity Fast",
            dates=days_between(dt.date(year, 11, 15), dt.date(year, 12, 24)),
            description="The forty days before the Nativity of Christ.",
            culmination_feast="Nativity of Christ",
            culmination_feast_date=dt.date(year, 12, 25),
        ),
    ]
    return plans


# --- Roman Catholic Church ---------------------------------------------------------------------


def catholic_fasts(year: int) -> list[FastPlan]:
    e = easter(year, EASTER_WESTERN)
    return [
        FastPlan(
            # Ash Wednesday (Easter-46) through Holy Saturday (Easter-1).
            name="Lent",
            dates=days_between(_day(e, -46), _day(e, -1)),
            description="From Ash Wednesday to Holy Saturday.",
            culmination_feast="Easter Sunday",
            culmination_feast_date=e,
        ),
    ]


CHURCH_CALENDARS: dict[str, Callable[[int], list[FastPlan]]] = {
    ARMENIAN: armenian_fasts,
    ORTHODOX: orthodox_fasts,
    CATHOLIC: catholic_fasts,
}
