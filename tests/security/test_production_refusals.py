"""What production refuses to start with, and what the development server refuses to expose
(issue 10, items 5, 6 and 12).

* A short or low-entropy SECRET_KEY or JWT_SIGNING_KEY (``SECRET_KEY=x`` used to start, and
  signed the JWTs): ``ImproperlyConfigured``, without echoing the value.
* A mail backend that sends nothing (console, locmem, file, dummy): refused unless
  ``EMAIL_ALLOW_LOCAL_BACKEND`` says so; ``EMAIL_URL`` configures SMTP in one variable.
* Media on local disk with a bare ``MEDIA_URL`` (404 in production), or a reset link to
  localhost: deployment warnings, on which ``scripts/serve-production`` refuses to start.
* ``HOST=0.0.0.0 scripts/serve``: refused (DEBUG pages and the demo passwords stay local).
"""

import secrets
import subprocess
from pathlib import Path

import pytest

from config.settings.env import smtp_url
from config.settings.hardening import secret_problem
from tests.support.processes import manage, production_env, run

STRONG = secrets.token_urlsafe(50)
# Everything a well-configured deployment sets; each test takes one thing away.
GOOD = {
    "SECRET_KEY": STRONG,
    "ALLOWED_HOSTS": "api.example.org",
    "EMAIL_URL": "smtp://fasthub:pass@mail.example.org:587",
    "PASSWORD_RESET_URL": "https://app.example.org/reset-password",
    "MEDIA_URL": "https://media.example.org/",
}


def _env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    return production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'fasthub.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        **{**GOOD, **changes},
    )


def _manage(
    tmp_path: Path, *args: str, **changes: str | None
) -> "subprocess.CompletedProcess[str]":
    return manage(_env(tmp_path, **changes), *args)


def test_the_good_configuration_passes_the_deployment_checks(tmp_path: Path) -> None:
    # The control for every refusal below.
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


# --- Item 5: keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "x",
        "a-short-but-not-empty-secret-key",
        "x" * 64,
        "ab" * 40,
        "django-insecure-" + secrets.token_urlsafe(40),
        "insecure-development-key-do-not-use-in-production",
    ],
    ids=["x", "short", "one-letter", "two-letters", "django-insecure", "development-default"],
)
@pytest.mark.parametrize("name", ["SECRET_KEY", "JWT_SIGNING_KEY"])
def test_weak_keys_refuse_to_start(tmp_path: Path, name: str, value: str) -> None:
    result = _manage(tmp_path, "check", **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr
    if len(value) > 8:  # the value itself is never shown
        assert value not in result.stderr


@pytest.mark.parametrize(
    "value",
    [secrets.token_urlsafe(50), secrets.token_hex(25), secrets.token_hex(32)],
    ids=["urlsafe-50", "hex-50", "hex-64"],
)
def test_random_keys_are_accepted(value: str) -> None:
    assert secret_problem("SECRET_KEY", value) is None


# --- Item 6: mail --------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["console", "locmem", "filebased", "dummy"])
def test_a_mail_backend_that_sends_nothing_refuses_to_start(tmp_path: Path, backend: str) -> None:
    dotted = f"django.core.mail.backends.{backend}.EmailBackend"
    refused = _manage(tmp_path, "check", EMAIL_URL=None, EMAIL_BACKEND=dotted)
    assert refused.returncode != 0
    assert "EMAIL_BACKEND" in refused.stderr and "sends nothing" in refused.stderr
    allowed = _manage(
        tmp_path, "check", EMAIL_URL=None, EMAIL_BACKEND=dotted, EMAIL_ALLOW_LOCAL_BACKEND="true"
    )
    assert allowed.returncode == 0, allowed.stderr


def test_the_default_mail_backend_refuses_to_start(tmp_path: Path) -> None:
    result = _manage(tmp_path, "check", EMAIL_URL=None)
    assert result.returncode != 0
    assert "console.EmailBackend, which sends nothing" in result.stderr


def test_email_url_configures_smtp(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, "
        "s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, "
        "s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT)"
    )
    result = _manage(
        tmp_path, "shell", "-c", code, EMAIL_URL="smtp://me%40example.org:p%40ss@mx.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mx.example.org",
        "587",
        "me@example.org",
        "p@ss",
        "True",
        "False",
        "10",
    ]


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mx.example.org", 587, True, False),
        ("smtp://mx.example.org:25", 25, False, False),
        ("smtp://mx.example.org:2525?tls=false", 2525, False, False),
        ("smtps://mx.example.org", 465, False, True),
    ],
)
def test_smtp_url_ports_and_tls(url: str, port: int, tls: bool, ssl: bool) -> None:
    parsed = smtp_url(url)
    assert (parsed.host, parsed.port, parsed.use_tls, parsed.use_ssl) == (
        "mx.example.org",
        port,
        tls,
        ssl,
    )


@pytest.mark.parametrize("url", ["mx.example.org", "http://mx.example.org", "smtp://"])
def test_a_malformed_email_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="EMAIL_URL"):
        smtp_url(url)


# --- Item 12: media, the reset link, the development server --------------------------------------


def test_media_on_local_disk_behind_a_bare_path_is_a_deployment_warning(tmp_path: Path) -> None:
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", MEDIA_URL="/media/")
    assert result.returncode != 0
    assert "hub.W001" in result.stderr + result.stdout
    in_a_bucket = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        MEDIA_URL="/media/",
        AWS_STORAGE_BUCKET_NAME="fasthub-media",
    )
    assert in_a_bucket.returncode == 0, in_a_bucket.stderr + in_a_bucket.stdout


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/reset-password", "http://app.example.org/reset"]
)
def test_a_reset_link_to_localhost_or_plain_http_is_a_deployment_warning(
    tmp_path: Path, url: str
) -> None:
    result = _manage(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", PASSWORD_RESET_URL=url
    )
    assert result.returncode != 0
    assert "hub.W002" in result.stderr + result.stdout


def test_serve_production_refuses_to_start_on_a_deployment_warning(tmp_path: Path) -> None:
    result = run(
        ["bash", "scripts/serve-production"],
        _env(tmp_path, MEDIA_URL="/media/", SKIP_MIGRATE="1"),
    )
    assert result.returncode != 0
    assert "hub.W001" in result.stdout + result.stderr
    assert not (tmp_path / "static").exists()  # stopped before collecting static files


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])  # noqa: S104
def test_the_development_server_refuses_a_network_address(tmp_path: Path, host: str) -> None:
    env = _env(tmp_path, HOST=host)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    result = run(["bash", "scripts/serve"], env, timeout=60)
    assert result.returncode == 2
    assert f"refusing HOST={host}" in result.stderr
    assert not (tmp_path / "fasthub.sqlite3").exists()  # nothing migrated, nothing served
