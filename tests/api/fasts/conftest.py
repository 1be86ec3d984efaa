"""Fixtures of the fasts API tests: "today" frozen at ``tests.support.clock.NOW``, a church and
a member of it."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from hub.models import Church
from tests.support.clock import NOW, frozen_at
from tests.support.factories import make_church, make_user


@pytest.fixture(autouse=True)
def _frozen_now() -> Iterator[None]:
    with frozen_at(NOW):
        yield


@pytest.fixture
def church() -> Church:
    return make_church(name="Saint Gregory")


@pytest.fixture
def member(church: Church) -> User:
    return make_user(church=church, name="Mariam")
