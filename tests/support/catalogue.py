"""Every GET endpoint of the API as a request against a data set: one catalogue shared by the
cost tests (query, compile and memory budgets) and the benchmark (``scripts/benchmark``).

A data set says which church, fast, day and feast date to ask about (``Target``); each entry
turns it into the path (with its query) to GET, and says whether the request carries the data
set's user's token. The writes the cost tests also send live beside them
(tests/support/calls.py): they need per-test preparation the benchmark does not.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

from django.urls import reverse


class Target(Protocol):
    """What a data set offers the catalogue to ask about."""

    @property
    def church_id(self) -> int: ...

    @property
    def target_fast_id(self) -> int: ...  # a fast with days and participants

    @property
    def target_day(self) -> dt.date: ...  # one of its days

    @property
    def target_feast_date(self) -> dt.date: ...


@dataclass(frozen=True)
class Read:
    name: str  # the URL name
    path: Callable[[Target], str]
    authenticated: bool = True


def _url(
    name: str, *, fast: bool = False, church: bool = False, **query: str
) -> Callable[[Target], str]:
    def path(target: Target) -> str:
        kwargs = (
            {"pk": target.target_fast_id} if fast else {"pk": target.church_id} if church else None
        )
        url = reverse(name, kwargs=kwargs)
        return f"{url}?{urlencode(query)}" if query else url

    return path


def _on(name: str, *, compact: bool = False) -> Callable[[Target], str]:
    def path(target: Target) -> str:
        day = target.target_day
        return f"{reverse(name)}?date={day:%Y%m%d}" if compact else f"{reverse(name)}?date={day}"

    return path


def _feast(target: Target) -> str:
    return f"{reverse('fast-by-feast-date')}?date={target.target_feast_date.isoformat()}"


def _anonymous(name: str) -> Callable[[Target], str]:
    return lambda target: f"{reverse(name)}?church_id={target.church_id}"


READS: tuple[Read, ...] = (
    Read("church-list", _url("church-list"), authenticated=False),
    Read("church-detail", _url("church-detail", church=True), authenticated=False),
    Read("profile-detail", _url("profile-detail")),
    Read("fast-stats", _url("fast-stats")),
    Read("fast-list", _url("fast-list")),
    Read("fast-detail", _url("fast-detail", fast=True)),
    Read("fast-by-date", _on("fast-by-date")),
    Read("fast-by-feast-date", _feast),
    Read("fast-participants", _url("fast-participants", fast=True)),
    Read("fast-participants-paginated", _url("fast-participants-paginated", fast=True)),
    Read("fast-days-list", _url("fast-days-list", fast=True)),
    Read("user-days", _url("user-days")),
    Read("fast_on_date", _on("fast_on_date", compact=True)),
    Read("fast_on_date_user", _on("fast_on_date_user", compact=True)),
    Read("api-root", _url("api-root"), authenticated=False),
    Read("health", _url("health"), authenticated=False),
    Read("schema", _url("schema"), authenticated=False),
    Read("swagger-ui", _url("swagger-ui"), authenticated=False),
)
# The church-context reads as anonymous callers send them (they name the church instead).
ANONYMOUS_READS: tuple[Read, ...] = (
    Read("fast-list", _anonymous("fast-list"), authenticated=False),
    Read("fast-by-date", _anonymous("fast-by-date"), authenticated=False),
    Read("fast_on_date", _anonymous("fast_on_date"), authenticated=False),
)
