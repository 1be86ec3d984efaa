"""/health/: can this instance serve requests? For load balancers and uptime checks.

The database decides the answer (200 when it answers ``SELECT 1``, else 503); the cache is only
reported, because every request still works from the database when the cache is down. The
check never raises and never parses a token: it must answer fast and cheaply even when the
database is unreachable (PostgreSQL connections give up after ``DB_CONNECT_TIMEOUT`` seconds,
Redis operations after 0.25 s).
"""

import logging
import os
import socket
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api.schema import examples_for
from hub.cache_client import circuit

logger = logging.getLogger(__name__)

# One probe key per process, so concurrent checks from many workers never read each other's value.
_PROBE_KEY = f"health:{socket.gethostname()}:{os.getpid()}"


def database_status() -> tuple[str, str | None]:
    """``("ok", None)``, or ``("down", <error class name>)``. One query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        # The class name only: driver messages can carry host names and user names.
        logger.warning("health: database unavailable (%s)", type(exc).__name__)
        return "down", type(exc).__name__
    return "ok", None


def cache_status() -> str:
    """``"ok"`` (shared cache answers), ``"in-process"`` (local memory cache), or ``"down"``."""
    backend = settings.CACHES["default"]["BACKEND"]
    token = uuid.uuid4().hex
    # The health check is the circuit breaker's probe: it always asks Redis itself, and a
    # failure opens the circuit again (hub.cache_client).
    circuit.close()
    try:
        # django-redis ignores connection errors (a write is dropped, a read misses), so only a
        # round trip of a fresh value proves the cache works.
        cache.set(_PROBE_KEY, token, timeout=30)
        answered = cache.get(_PROBE_KEY) == token
    except Exception as exc:
        logger.warning("health: cache unavailable (%s)", type(exc).__name__)
        answered = False
    if not answered:
        return "down"
    return "in-process" if backend.endswith("LocMemCache") else "ok"


HealthSerializer = inline_serializer(
    "Health",
    fields={
        "status": serializers.ChoiceField(
            choices=["ok", "unavailable"], help_text="`ok` when this instance can serve requests."
        ),
        "database": serializers.ChoiceField(
            choices=["ok", "down"], help_text="Whether the database answers."
        ),
        "cache": serializers.ChoiceField(
            choices=["ok", "in-process", "down"],
            help_text="The shared cache: `ok`, `in-process` (no shared cache configured) or "
            "`down` (requests still work, from the database).",
        ),
        "database_error": serializers.CharField(
            required=False, help_text="Error class name, present only when the database is down."
        ),
    },
)


class HealthApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes: list[type] = []

    @extend_schema(
        responses={
            200: OpenApiResponse(HealthSerializer, description="The database answers."),
            503: OpenApiResponse(
                HealthSerializer,
                description="The database does not answer: this instance cannot serve requests.",
            ),
        },
        summary="Health of this instance: database (decides the status) and cache",
        tags=["operations"],
        examples=examples_for("health"),
    )
    def get(self, request: Request) -> Response:
        database, error = database_status()
        body: dict[str, Any] = {
            "status": "ok" if database == "ok" else "unavailable",
            "database": database,
            "cache": cache_status(),
        }
        if error is not None:
            body["database_error"] = error
        code = status.HTTP_200_OK if database == "ok" else status.HTTP_503_SERVICE_UNAVAILABLE
        response = Response(body, status=code)
        response["Cache-Control"] = "no-store"
        return response
