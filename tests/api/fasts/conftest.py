"""Shared helpers of the fasts API tests: a frozen "today" and JSON error checks."""

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import pytest
from django.contrib.auth.models import User

from hub.api.serializers.fasts import FastSerializer
from hub.models import Church, Fast
from tests.support.factories import ChurchFactory, make_fast, make_user

TODAY = dt.date(2026, 3, 10)
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)

# The Fast's keys, in order, as its one definition declares them (hub.api.serializers.fasts);
# test_fast_representation checks that order against a response written out field by field.
FAST_KEYS = list(FastSerializer().fields)


def day(offset: int) -> dt.date:
    """The date ``offset`` days from the frozen today."""
    return TODAY + dt.timedelta(days=offset)


def iso(offset: int) -> str:
    return day(offset).isoformat()


@contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    with patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with frozen_at(NOW):
        yield


def error_body(response: Any, status: int) -> Any:
    """The JSON body of an error response, after checking its status and content type."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


def detail_of(response: Any, status: int = 400) -> str:
    """The message of a request-level error, after checking it has a stable ``code`` too."""
    body = error_body(response, status)
    assert list(body) == ["detail", "code"], body
    assert isinstance(body["detail"], str) and body["detail"]
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", body["code"]), body
    return str(body["detail"])


def ok(response: Any) -> Any:
    assert response.status_code == 200, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.fixture
def church() -> Church:
    return ChurchFactory(name="Saint Gregory")


@pytest.fixture
def member(church: Church) -> User:
    return make_user(church=church, name="Mariam")


def fast_in(church: Church, **kwargs: Any) -> Fast:
    return make_fast(church=church, **kwargs)
