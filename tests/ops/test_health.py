"""/health/ through HTTP: database decides the status, the cache is only reported."""

import json
import logging
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from hub.api.budgets import QUERY_BUDGETS
from hub.observability import RequestIdFilter, request_id_var
from tests.support.caches import UNREACHABLE_REDIS

pytestmark = pytest.mark.django_db


def expected_cache_status() -> str:
    backend = settings.CACHES["default"]["BACKEND"]
    return "in-process" if backend.endswith("LocMemCache") else "ok"


def test_health_answers_ok_with_one_query_and_no_token_parsing() -> None:
    client = APIClient()
    # A garbage token would be a 401 anywhere that authenticates; /health/ never looks at it.
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": expected_cache_status(),
    }
    assert response["Cache-Control"] == "no-store"
    assert len(queries) == 1 <= QUERY_BUDGETS["health"]


def test_health_reports_a_cache_outage_but_stays_up(settings: Any) -> None:
    settings.CACHES = UNREACHABLE_REDIS
    response = APIClient().get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "down"}


def test_health_reports_a_cache_that_keeps_nothing_as_down(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    body = APIClient().get("/health/").json()
    assert body["cache"] == "down"
    assert body["status"] == "ok"


def test_health_rejects_writes_as_json() -> None:
    response = APIClient().post("/health/", {}, format="json")
    assert response.status_code == 405
    assert "detail" in response.json()


def test_json_log_lines_carry_the_request_id() -> None:
    """The production formatter (LOG_FORMAT=json) built from LOGGING, fed through its filter."""
    formatter_config = dict(settings.LOGGING["formatters"]["json"])
    factory = formatter_config.pop("()")
    module_name, _, class_name = factory.rpartition(".")
    formatter_class = getattr(__import__(module_name, fromlist=[class_name]), class_name)
    formatter = formatter_class(**formatter_config)

    record = logging.LogRecord("hub.test", logging.WARNING, __file__, 1, "hello %s", ("x",), None)
    token = request_id_var.set("req-123")
    try:
        assert RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "req-123"
    assert line["message"] == "hello x"
    assert line["levelname"] == "WARNING"
    assert line["name"] == "hub.test"


def test_openapi_documents_the_health_response() -> None:
    schema = APIClient().get("/api/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    operation = document["paths"]["/health/"]["get"]
    assert set(operation["responses"]) >= {"200", "503"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(component["properties"]) >= {"status", "database", "cache"}
