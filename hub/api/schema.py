"""OpenAPI description of Fasthub: authentication, shared error responses, recorded examples."""

import functools
import json
from pathlib import Path
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers

from hub.api.serializers.fasts import NO_FAST_STUB


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


class ErrorSerializer(serializers.Serializer[Any]):
    """A request-level error (docs/API.md §1, Errors)."""

    detail = serializers.CharField(help_text="What went wrong and, where it helps, how to fix it.")
    code = serializers.CharField(
        help_text="A stable machine-readable code (e.g. `already_joined`, `fast_not_found`, "
        "`invalid_date`): act on this, not on the wording of `detail`."
    )


# ``{"field": ["message", ...]}``: what a write answers when fields are invalid.
FIELD_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Field problems: each invalid field (or `non_field_errors`) with its messages.",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "description": "A nested object's field problems, same form."},
        ]
    },
    "example": {"email": ["Enter a valid email address."]},
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


def error_response(
    description: str, *, fields: bool = False, example: tuple[str, str] | None = None
) -> OpenApiResponse:
    """An error answer: ``{"detail", "code"}``, or also ``{"field": [...]}`` when ``fields``;
    ``example`` is a typical ``(detail, code)``."""
    examples = []
    if example is not None:
        detail, code = example
        examples = [OpenApiExample(code, value={"detail": detail, "code": code})]
    if fields:
        return OpenApiResponse(
            response={"oneOf": [_ERROR_REF, FIELD_ERRORS_SCHEMA]},
            description=description,
            examples=examples,
        )
    return OpenApiResponse(response=ErrorSerializer, description=description, examples=examples)


JOINED = OpenApiResponse(
    response={
        "type": "object",
        "properties": {},
        "additionalProperties": False,
        "description": "Always an empty object.",
    },
    description="Joined: `{}`.",
)

BAD_REQUEST = error_response("A query parameter is malformed or missing (see `code`).")
INVALID_BODY = error_response(
    "Invalid input: `{field: [messages]}`, or `{detail, code}` for the request as a whole.",
    fields=True,
)
UNAUTHENTICATED = error_response(
    "No access token, or one that is expired, malformed or not a `Bearer` token."
)
NOT_FOUND = error_response("No such object.")
NOT_FOUND_OR_PAGE = error_response(
    "No such object, or a page past the last one (`code`: `invalid_page`)."
)
PAGE_NOT_FOUND = error_response("A page past the last one (`code`: `invalid_page`).")
UNSUPPORTED_MEDIA = error_response(
    "The body is not JSON, form-encoded or multipart.",
    example=('Unsupported media type "text/plain" in request.', "unsupported_media_type"),
)
TOO_LARGE = error_response(
    "The body (or the image in it) is too large.",
    example=("Request body too large.", "payload_too_large"),
)
THROTTLED = error_response(
    "Too many requests; retry after `Retry-After` seconds.",
    example=("Request was throttled. Expected available in 42 seconds.", "throttled"),
)
WRITE_CONFLICT = error_response(
    "A concurrent change to the same data came first; send the same request again "
    "(`code`: `write_conflict`, see `Retry-After`).",
    example=(
        "A concurrent change to the same data got there first; send the request again.",
        "write_conflict",
    ),
)


# Parameters shared by several operations.
TZ_PARAM = OpenApiParameter(
    "tz",
    str,
    description="IANA time zone that decides 'today', e.g. `America/New_York` (default: the "
    "caller's profile time zone, else UTC). An unknown name is a 400 (`invalid_timezone`).",
)
CHURCH_PARAM = OpenApiParameter(
    "church_id",
    int,
    description="The church whose calendar to read. Required for anonymous callers; an "
    "authenticated caller always reads their profile's church and this is ignored.",
)
PAGE_PARAM = OpenApiParameter(
    "page", int, description="Page number, from 1 (10 items per page; default 1)."
)


def id_param(what: str) -> OpenApiParameter:
    return OpenApiParameter("id", int, OpenApiParameter.PATH, description=f"The {what}'s id.")


def page_of(
    serializer: type[serializers.Serializer[Any]], name: str
) -> serializers.Serializer[Any]:
    """The ``{count, next, previous, results}`` envelope around ``serializer`` items."""
    if name not in _PAGES:
        _PAGES[name] = inline_serializer(
            name=name,
            fields={
                "count": serializers.IntegerField(help_text="Items on all pages together."),
                "next": serializers.URLField(
                    allow_null=True, help_text="The next page's URL; null on the last page."
                ),
                "previous": serializers.URLField(
                    allow_null=True, help_text="The previous page's URL; null on the first page."
                ),
                "results": serializer(many=True, help_text="The items of this page, in order."),
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


# The legacy single-fast endpoints answer a Fast, or the "no fast" stub (no ``id``), whose
# schema is derived from the stub itself.
def _stub_schema(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return {
            "type": "object",
            "properties": {key: _stub_schema(item) for key, item in value.items()},
            "required": list(value),
            "additionalProperties": False,
            "description": "Always this object, with empty values, in the stub.",
        }
    if value is None:
        return {"nullable": True, "description": "Always null in the stub."}
    return {"type": "string", "enum": [value], "description": "Always empty in the stub."}


NO_FAST_SCHEMA: dict[str, Any] = {
    **_stub_schema(NO_FAST_STUB),
    "description": "No fast on that date: the stub, which clients recognise by its missing `id`.",
}
FAST_OR_NO_FAST: dict[str, Any] = {
    "oneOf": [{"$ref": "#/components/schemas/Fast"}, NO_FAST_SCHEMA],
}


def describe_success_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: a success response without a description (OpenAPI
    requires one) is described by its schema's own description, else the operation's summary."""
    schemas = result.get("components", {}).get("schemas", {})
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for status, response in operation.get("responses", {}).items():
                if response.get("description") or not str(status).startswith("2"):
                    continue
                described = ""
                for content in (response.get("content") or {}).values():
                    ref = content.get("schema", {}).get("$ref", "")
                    described = schemas.get(ref.rsplit("/", 1)[-1], {}).get("description", "")
                response["description"] = described or operation.get("summary", "Success.")
    return result
