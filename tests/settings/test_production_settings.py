"""Production settings pass Django's deployment checks and refuse to start without a secret."""

import secrets
import subprocess
from typing import Any

from tests.support.processes import clean_env, manage, production_env, settings_json


def _manage(*args: str, **env: str) -> "subprocess.CompletedProcess[str]":
    return manage(production_env(**env), *args)


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


def _settings_of(module: str, names: list[str], **env: str) -> dict[str, Any]:
    """The named settings as the given settings module computes them, in a fresh process."""
    values: dict[str, Any] = settings_json(
        clean_env(DJANGO_SETTINGS_MODULE=module, **env), f"{{n: getattr(s, n) for n in {names!r}}}"
    )
    return values


DERIVED = [
    "DEBUG",
    "SECRET_KEY",
    "SIMPLE_JWT",
    "REST_FRAMEWORK",
    "SERVER_TIMING",
    "LOG_FORMAT",
    "LOGGING",
    "STORAGES",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
]
PRODUCTION_ENV = {
    "SECRET_KEY": "k" + secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "api.example.org",
    "EMAIL_URL": "smtp://fasthub:pass@mail.example.org:587",
}


def test_production_derives_every_value_from_its_one_input() -> None:
    """production.py changes the deployment kind; DEBUG, renderers, logging, timing headers,
    static files, HTTPS and the JWT key all follow from it (and from the environment)."""
    values: dict[str, Any] = _settings_of("config.settings.production", DERIVED, **PRODUCTION_ENV)
    assert values["DEBUG"] is False
    assert values["REST_FRAMEWORK"]["DEFAULT_RENDERER_CLASSES"] == [
        "rest_framework.renderers.JSONRenderer"
    ]
    assert values["SERVER_TIMING"] is False
    assert values["LOG_FORMAT"] == "json"
    assert values["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert (
        values["SIMPLE_JWT"]["SIGNING_KEY"] == values["SECRET_KEY"] == PRODUCTION_ENV["SECRET_KEY"]
    )
    assert values["STORAGES"]["staticfiles"]["BACKEND"].startswith("whitenoise.")
    assert values["SECURE_SSL_REDIRECT"] is True and values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 60 * 60 * 24 * 365

    development: dict[str, Any] = _settings_of("config.settings.base", DERIVED)
    assert development["DEBUG"] is True
    assert development["LOG_FORMAT"] == "text" and development["SERVER_TIMING"] is True
    assert (
        "rest_framework.renderers.BrowsableAPIRenderer"
        in (development["REST_FRAMEWORK"]["DEFAULT_RENDERER_CLASSES"])
    )
    assert development["SECURE_SSL_REDIRECT"] is False  # Django's own default


def test_production_follows_its_inputs_not_restated_defaults() -> None:
    jwt_key = "j" + secrets.token_urlsafe(60)
    values: dict[str, Any] = _settings_of(
        "config.settings.production",
        DERIVED,
        **PRODUCTION_ENV,
        LOG_FORMAT="text",
        SERVER_TIMING="true",
        JWT_SIGNING_KEY=jwt_key,
    )
    assert values["LOGGING"]["handlers"]["console"]["formatter"] == "text"
    assert values["SERVER_TIMING"] is True
    assert values["SIMPLE_JWT"]["SIGNING_KEY"] == jwt_key != values["SECRET_KEY"]
