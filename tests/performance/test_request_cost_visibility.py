"""Each response says what it cost (Server-Timing), and an over-budget request logs one warning."""

import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from hub.api import budgets
from tests.support.calls import Call
from tests.support.measure import send
from tests.support.worlds import build_world


@pytest.mark.django_db
def test_server_timing_reports_queries_and_database_time() -> None:
    world = build_world()
    response = send(world, Call("get", reverse("fast-stats"))).response
    header = response["Server-Timing"]
    assert header.startswith("db;dur=") and header.endswith('desc="2 queries"'), header
    assert response["X-Request-ID"]


@pytest.mark.django_db
@override_settings(SERVER_TIMING=False)
def test_server_timing_can_be_turned_off() -> None:
    world = build_world()
    assert "Server-Timing" not in send(world, Call("get", reverse("fast-stats"))).response


@pytest.mark.django_db
def test_a_request_over_its_budget_logs_one_structured_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world = build_world()
    monkeypatch.setitem(budgets.QUERY_BUDGETS, "fast-stats", 1)
    with caplog.at_level(logging.WARNING, logger="hub.cost"):
        send(world, Call("get", reverse("fast-stats")))
    records = [r for r in caplog.records if r.name == "hub.cost"]
    assert len(records) == 1
    record = records[0]
    assert (record.endpoint, record.queries, record.budget) == ("fast-stats", 2, 1)  # type: ignore[attr-defined]
    assert "SELECT" in record.repeated_sql  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_request_within_budget_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    world = build_world()
    with caplog.at_level(logging.WARNING, logger="hub.cost"):
        send(world, Call("get", reverse("fast-stats")))
    assert not [r for r in caplog.records if r.name == "hub.cost"]


@pytest.mark.django_db
def test_django_error_log_lines_carry_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    from rest_framework.test import APIClient

    from hub.observability import RequestIdFilter

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = APIClient().get("/api/fasts/", HTTP_X_REQUEST_ID="trace-42")
    assert response.status_code == 400 and response["X-Request-ID"] == "trace-42"
    record = next(r for r in caplog.records if r.name == "django.request")
    RequestIdFilter().filter(record)
    assert record.request_id == "trace-42"  # type: ignore[attr-defined]
