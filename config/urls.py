"""Root URL configuration: the API under /api/, the staff admin, health and the OpenAPI docs.

Every unknown URL answers JSON (``hub.api.errors.not_found``), DEBUG or not: the catch-all
route comes last (after media in development) and also serves as ``handler404``.
"""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from hub.api.errors import not_found
from hub.api.views.index import ApiIndexApi
from hub.views_pages import password_reset_code

urlpatterns: list[URLPattern | URLResolver] = [
    path("", ApiIndexApi.as_view(), name="root"),
    path("api/", include("hub.api.urls")),
    path("health/", include("hub.api.urls_health")),
    path("admin/", admin.site.urls),
    path("reset-password/", password_reset_code, name="password-reset-code"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
urlpatterns.append(re_path(r"^.*$", not_found, name="not-found"))

handler400 = "hub.api.errors.bad_request"
handler403 = "hub.api.errors.permission_denied"
handler404 = "hub.api.errors.not_found"
handler500 = "hub.api.errors.server_error"
