"""Production settings pass Django's deployment checks and refuse to start without a secret."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "JWT_SIGNING_KEY", "ALLOWED_HOSTS", "MEDIA_URL"}
        and not key.startswith(("EMAIL_", "PASSWORD_RESET_", "AWS_"))
    }
    base.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(  # noqa: S603 - fixed arguments, this interpreter
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_at_warning_level() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="api.example.org",
        EMAIL_URL="smtp://fasthub:pass@mail.example.org:587",
        PASSWORD_RESET_URL="https://app.example.org/reset-password",
        MEDIA_URL="https://media.example.org/",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key() -> None:
    result = _manage("check", ALLOWED_HOSTS="api.example.org", EMAIL_URL="smtp://mail.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_an_empty_secret_key() -> None:
    result = _manage(
        "check", SECRET_KEY="", ALLOWED_HOSTS="api.example.org", EMAIL_URL="smtp://mail.example.org"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
