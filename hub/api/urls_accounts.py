"""Account and profile routes (docs/API.md §3). URL names are part of the contract."""

from django.urls import URLPattern, path

from hub.api.views.accounts import (
    AccountDeleteApi,
    PasswordResetApi,
    PasswordResetConfirmApi,
    RegisterApi,
    TokenLogoutApi,
    TokenObtainApi,
    TokenRefreshApi,
)
from hub.api.views.profile import ProfileApi, ProfileImageApi

urlpatterns: list[URLPattern] = [
    path("register/", RegisterApi.as_view(), name="auth_register"),
    path("token/", TokenObtainApi.as_view(), name="token_obtain_pair"),
    path("token/refresh/", TokenRefreshApi.as_view(), name="token_refresh"),
    path("token/logout/", TokenLogoutApi.as_view(), name="token_logout"),
    path("profile/", ProfileApi.as_view(), name="profile-detail"),
    path("profile/image-upload/", ProfileImageApi.as_view(), name="profile-image-upload"),
    path("password/reset/", PasswordResetApi.as_view(), name="password_reset"),
    path(
        "password/reset/confirm/", PasswordResetConfirmApi.as_view(), name="password_reset_confirm"
    ),
    path("account/delete/", AccountDeleteApi.as_view(), name="account-delete"),
]
