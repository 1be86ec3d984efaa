"""Property-based fuzzing of every operation in the API's own OpenAPI schema.

The schema is loaded in-process from /api/schema/ through the WSGI application, so the test
exercises exactly what a client would download. Every generated request (valid and invalid
inputs) carries a real access token, and every response must be free of server errors and
match the schema: a documented status code, the documented content type, headers and body.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hub.models import Church
from hub.services.memberships import fast_join
from tests.support.auth import bearer_for
from tests.support.factories import make_fast, make_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Generous limits: a 429 would hide whatever the fuzzer sent behind the throttle.
GENEROUS_RATES = {
    "login_ip": "100000/min",
    "login_account": "100000/min",
    "refresh": "100000/min",
    "register": "100000/min",
    "password_reset_ip": "100000/min",
    "password_reset_account": "100000/min",
    "password_reset_confirm": "100000/min",
    "image_upload": "100000/min",
}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go straight to the WSGI handler, whose request signals would close the test's
    database connection (and its transaction) as a real request's end does; Django's own test
    client unhooks them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_user(db: None, settings: Any) -> User:
    """A member of a church with past, current and future fasts, two of them joined."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": GENEROUS_RATES,
    }
    church = Church.objects.create(name="Fuzz Church")
    user = make_user(church=church, name="Fuzzer", timezone="America/New_York")
    today = dt.date.today()
    fasts = [
        make_fast(church=church, start=today - dt.timedelta(days=40), days=7),
        make_fast(church=church, start=today - dt.timedelta(days=3), days=10),
        make_fast(
            church=church,
            start=today + dt.timedelta(days=20),
            days=5,
            culmination_feast="Feast",
            culmination_feast_date=today + dt.timedelta(days=25),
        ),
    ]
    for fast in fasts[:2]:
        fast_join(profile=user.profile, fast_id=fast.pk)
    return user


# Loaded while the tests are collected (one test per operation). Building the schema needs no
# database, only the URL configuration and the views.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case: schemathesis.Case, fuzz_user: User) -> None:
    # Account deletion removes the caller: give each such request an account of its own so
    # the fuzzing user survives for the other operations.
    caller = make_user() if case.operation.path == "/api/account/delete/" else fuzz_user
    case.call_and_validate(headers={"Authorization": bearer_for(caller)}, checks=CHECKS)
