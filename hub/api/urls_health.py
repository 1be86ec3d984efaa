"""/health/ for load balancers and uptime checks (docs/API.md §3.11, URL name ``health``)."""

from django.urls import path

from hub.api.views.health import HealthApi

urlpatterns = [
    path("", HealthApi.as_view(), name="health"),
]
