"""The tests' frozen clock.

``frozen_at(moment)`` stops every clock Python reads at ``moment`` (time-machine):
``django.utils.timezone.now``, ``datetime.now``, ``date.today`` and ``time.time``, so "today"
is the same wherever the code under test asks for it. ``time.time`` includes the JWT expiry
checks: a token minted before the clock jumps by more than its lifetime is expired at the new
moment, and one minted after a jump back is not valid yet, so tests mint tokens inside the
moment they send them at. Monotonic clocks keep running (timeouts still work).
"""

import datetime as dt

import time_machine

# The moment of the tests that depend on "today": a Tuesday in Great Lent.
TODAY = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def frozen_at(moment: dt.datetime) -> time_machine.travel:
    """A context manager (or decorator) in which the clock stands still at ``moment``."""
    return time_machine.travel(moment, tick=False)


def day(offset: int) -> dt.date:
    """The date ``offset`` days from the frozen today."""
    return TODAY + dt.timedelta(days=offset)


def iso(offset: int) -> str:
    return day(offset).isoformat()
