"""Root URL configuration: the API under /api/, the staff admin, health and the OpenAPI docs."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/", include("hub.api.urls")),
    path("health/", include("hub.api.urls_health")),
    path("admin/", admin.site.urls),
]
handler400 = "hub.api.errors.json_bad_request"
handler403 = "hub.api.errors.json_permission_denied"
handler404 = "hub.api.errors.json_not_found"
handler500 = "hub.api.errors.json_server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
