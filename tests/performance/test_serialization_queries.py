"""Serializing runs no SQL: every value a representation shows is loaded up front."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from rest_framework import renderers
from rest_framework.test import APIRequestFactory

from hub.api.serializers.days import DaySerializer
from hub.api.serializers.fasts import FastSerializer
from hub.api.serializers.participants import ParticipantSerializer
from hub.selectors.days import fast_days_page
from hub.selectors.fasts import fast_detail, fast_list_for_church
from hub.selectors.participants import participants_page
from tests.support.calls import CATALOGUE
from tests.support.measure import send
from tests.support.worlds import build_world


class SQLDuringSerialization(AssertionError):
    pass


@contextmanager
def no_sql() -> Iterator[None]:
    def block(execute: Any, sql: str, *args: Any) -> Any:
        raise SQLDuringSerialization(f"query while serializing: {sql[:200]}")

    with connection.execute_wrapper(block):
        yield


@pytest.mark.django_db
def test_serializers_read_only_what_selectors_loaded() -> None:
    world = build_world(fasts_per_user=3, days_per_fast=5, participants=4, fasts_in_range=4)
    request = APIRequestFactory().get("/")
    context = {"request": request, "today": world.today}
    fasts = fast_list_for_church(
        church_id=world.church.pk,
        start=world.today.replace(year=world.today.year - 1),
        end=world.today,
        today=world.today,
    )
    detail = fast_detail(
        fast_id=world.target.pk, today=world.today, profile_id=world.user.profile.pk
    )
    people = participants_page(fast_id=world.target.pk, offset=0, limit=10)
    days = fast_days_page(fast_id=world.target.pk, offset=0, limit=10)
    assert fasts and detail and people and days
    with no_sql():
        assert [FastSerializer(f, context=context).data for f in fasts]
        assert FastSerializer(detail, context=context).data["joined"] is True
        assert [ParticipantSerializer(p, context=context).data for p in people]
        assert [DaySerializer(d).data for d in days]


@pytest.mark.django_db
def test_rendering_any_response_runs_no_sql(monkeypatch: pytest.MonkeyPatch) -> None:
    original = renderers.JSONRenderer.render

    def guarded(self: renderers.JSONRenderer, *args: Any, **kwargs: Any) -> bytes:
        with no_sql():
            return original(self, *args, **kwargs)

    monkeypatch.setattr(renderers.JSONRenderer, "render", guarded)
    world = build_world(fasts_per_user=2, days_per_fast=3, participants=3, fasts_in_range=3)
    for name, prepare in CATALOGUE.items():
        call = prepare(world)
        response = send(world, call).response
        assert response.status_code == call.expected, (name, response.content[:200])
