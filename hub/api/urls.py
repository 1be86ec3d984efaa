"""Everything under /api/. Unknown paths answer JSON even with DEBUG on (``errors.not_found``)."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from hub.api.errors import not_found
from hub.api.views.index import ApiIndexApi

urlpatterns: list[URLPattern | URLResolver] = [
    path("", ApiIndexApi.as_view(), name="api-root"),
    path("", include("hub.api.urls_accounts")),
    path("", include("hub.api.urls_fasts")),
    path("", include("hub.api.urls_docs")),
    re_path(r"^.*$", not_found, name="api-not-found"),
]
