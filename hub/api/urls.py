from django.urls import include, path

urlpatterns: list = [
    path("", include("hub.api.urls_accounts")),
    path("", include("hub.api.urls_fasts")),
]
