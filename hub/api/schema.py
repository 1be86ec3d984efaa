"""OpenAPI description of Fasthub's authentication (drf-spectacular extension)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
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
