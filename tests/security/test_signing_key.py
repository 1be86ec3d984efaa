"""The JWT signing key comes from the environment in production, never from an empty value.

(That production refuses to start without SECRET_KEY is tested in tests/settings.)
"""

import secrets

import pytest

from tests.support.processes import manage, production_env

SECRET = secrets.token_urlsafe(50)
JWT_KEY = secrets.token_urlsafe(50)
# What simplejwt actually signs and verifies with, as seen by the running settings.
PRINT_KEY = (
    "from rest_framework_simplejwt.state import token_backend; "
    "print('KEY=' + token_backend.signing_key)"
)


def _signing_key(**env: str) -> str:
    production = production_env(ALLOWED_HOSTS="x", EMAIL_URL="smtp://mail.example.org", **env)
    result = manage(production, "shell", "-c", PRINT_KEY)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split("KEY=", 1)[1].strip()


def test_jwt_signing_key_from_the_environment() -> None:
    assert _signing_key(SECRET_KEY=SECRET, JWT_SIGNING_KEY=JWT_KEY) == JWT_KEY


@pytest.mark.parametrize("jwt_key", [None, ""])
def test_without_a_jwt_key_the_secret_key_signs(jwt_key: str | None) -> None:
    env = {"SECRET_KEY": SECRET}
    if jwt_key is not None:
        env["JWT_SIGNING_KEY"] = jwt_key  # set but empty must not mean "sign with no key"
    assert _signing_key(**env) == SECRET
