"""OpenAPI description of Fasthub: authentication, shared error responses, recorded examples."""

import functools
import json
from pathlib import Path
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers


class ProfileJWTAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "hub.api.authentication.ProfileJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Access token from /api/token/: `Authorization: Bearer <access>`.",
        }


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=OpenApiTypes.OBJECT, description=description)


BAD_REQUEST = _error('Bad input: `{"detail": "..."}` or `{"field": ["..."]}`.')
UNAUTHENTICATED = _error('Missing, expired or invalid access token: `{"detail": "..."}`.')
NOT_FOUND = _error('`{"detail": "Not found."}` (or "Invalid page." past the last page).')
UNSUPPORTED_MEDIA = _error("The body is not JSON.")


def page_of(
    serializer: type[serializers.Serializer[Any]], name: str
) -> serializers.Serializer[Any]:
    """The ``{count, next, previous, results}`` envelope around ``serializer`` items."""
    if name not in _PAGES:
        _PAGES[name] = inline_serializer(
            name=name,
            fields={
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": serializer(many=True),
            },
        )
    return _PAGES[name]


_PAGES: dict[str, serializers.Serializer[Any]] = {}


# Response bodies recorded from real requests by ``manage.py record_api_examples``, one file per
# example: ``<operation>.<status>[.<variant>].json`` where ``<operation>`` is the URL name.
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"


def examples_for(operation: str) -> list[OpenApiExample]:
    """The recorded response examples of ``operation`` (a URL name), every status."""
    return list(_recorded_examples().get(operation, ()))


@functools.lru_cache(maxsize=1)
def _recorded_examples() -> dict[str, tuple[OpenApiExample, ...]]:
    found: dict[str, list[OpenApiExample]] = {}
    for path in sorted(EXAMPLES_DIR.glob("*.json")):
        operation, status, *variant = path.stem.split(".")
        label = " ".join([status, *variant])
        value = json.loads(path.read_text())
        if isinstance(value, list) and value and status.startswith("2"):
            # drf-spectacular shows the example of a list response as a list of that example,
            # so a recorded array is given as its first item (shown as a one-item array).
            value = value[0]
        found.setdefault(operation, []).append(
            OpenApiExample(
                name=f"{operation}_{label}".replace("-", "_").replace(" ", "_"),
                summary=path.stem,
                value=value,
                response_only=True,
                status_codes=[status],
            )
        )
    return {operation: tuple(examples) for operation, examples in found.items()}


# The legacy single-fast endpoints answer a Fast, or this stub (no ``id``) when there is none.
NO_FAST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "No fast on that date: the stub clients recognise by its missing `id`.",
    "properties": {
        "name": {"type": "string", "enum": [""]},
        "church": {
            "type": "object",
            "properties": {"name": {"type": "string", "enum": [""]}},
            "required": ["name"],
            "additionalProperties": False,
        },
        "description": {"type": "string", "enum": [""]},
        "culmination_feast": {"type": "string", "enum": [""]},
        "culmination_feast_date": {"type": "string", "nullable": True},
        "year": {"type": "integer", "nullable": True},
        "image": {"type": "string", "nullable": True},
        "url": {"type": "string", "enum": [""]},
    },
    "required": [
        "name",
        "church",
        "description",
        "culmination_feast",
        "culmination_feast_date",
        "year",
        "image",
        "url",
    ],
    "additionalProperties": False,
}
FAST_OR_NO_FAST: dict[str, Any] = {
    "oneOf": [{"$ref": "#/components/schemas/Fast"}, NO_FAST_SCHEMA],
}
