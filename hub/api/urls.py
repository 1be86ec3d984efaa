"""Everything under /api/. Unknown paths answer a JSON 404 even with DEBUG on."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from hub.api.errors import json_not_found

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("hub.api.urls_accounts")),
    path("", include("hub.api.urls_fasts")),
    path("", include("hub.api.urls_docs")),
    re_path(r"^.*$", json_not_found, name="api-not-found"),
]
