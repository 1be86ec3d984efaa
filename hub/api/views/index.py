"""``GET /`` and ``GET /api/``: what this server is and where its documentation lives."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

IndexSerializer = inline_serializer(
    "ApiIndex",
    fields={
        "name": serializers.CharField(help_text="The service's name."),
        "version": serializers.CharField(help_text="The API's version (the OpenAPI document's)."),
        "docs": serializers.URLField(help_text="Interactive API documentation."),
        "schema": serializers.URLField(help_text="The OpenAPI 3 document."),
        "health": serializers.URLField(help_text="Health of this instance (200 or 503)."),
    },
)


class ApiIndexApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: IndexSerializer},
        summary="Where to start: the API's name, version and the links to its documentation",
        tags=["operations"],
        auth=[],
    )
    def get(self, request: Request) -> Response:
        spectacular = settings.SPECTACULAR_SETTINGS
        return Response(
            {
                "name": spectacular["TITLE"],
                "version": spectacular["VERSION"],
                "docs": request.build_absolute_uri(reverse("swagger-ui")),
                "schema": request.build_absolute_uri(reverse("schema")),
                "health": request.build_absolute_uri(reverse("health")),
            }
        )
