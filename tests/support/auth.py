"""Authenticating test requests as a user, with a real token."""

from django.contrib.auth.models import User
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


def bearer_for(user: User) -> str:
    """A real access token for ``user``, signed exactly as /api/token/ signs it."""
    return f"Bearer {RefreshToken.for_user(user).access_token}"


def client_for(user: User) -> APIClient:
    """An API client authenticated as ``user`` with a real JWT (minted now: see
    tests/support/clock.py for tests that move the clock)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer_for(user))
    return client
