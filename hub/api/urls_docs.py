"""The OpenAPI 3 schema and its interactive docs page (assets served locally, no CDN)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from hub.api import schema  # noqa: F401  (registers the JWT security scheme)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its set-up script as a file (docs/?script=), not inline: the page's
    # Content-Security-Policy allows scripts from this server only.
    # Its set-up script adds a plugin that draws padlocks by whether a token will be sent
    # (hub/templates/hub/swagger_ui.js).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name_js="hub/swagger_ui.js"
        ),
        name="swagger-ui",
    ),
]
