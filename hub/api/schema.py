"""OpenAPI description of Fasthub's authentication (drf-spectacular extension)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


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
