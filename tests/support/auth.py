"""Authenticating test requests: API clients with a real token, an admin session."""

from django.contrib.auth.models import User
from django.test import Client
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


def superuser_client() -> Client:
    """A Django test client with the admin session of a new superuser (staff@example.org)."""
    staff = User.objects.create_superuser("staff@example.org", "staff@example.org", "x-Staff-42")
    client = Client()
    client.force_login(staff)
    return client
