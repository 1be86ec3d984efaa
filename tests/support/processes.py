"""Running this project's commands in a child process, with an environment of our choosing.

A child starts from this process's environment without any variable the project reads (so the
test run's own DATABASE_URL, secret or mail settings never leak in), plus what the test gives.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# Prefixes of every environment variable the project, Django or pytest read.
PROJECT_VARIABLES = (
    "DJANGO_",
    "PYTEST_",
    "DATABASE_",
    "REDIS_",
    "CACHE_",
    "DB_",
    "REPLICA_",
    "SECRET_KEY",
    "JWT_",
    "EMAIL_",
    "PASSWORD_RESET_",
    "MEDIA_",
    "AWS_",
    "THROTTLE_",
    "DEBUG",
    "ALLOWED_HOSTS",
)


def clean_env(**values: str | None) -> dict[str, str]:
    """This process's environment without the project's variables, plus ``values`` (a None
    value leaves the variable out)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(PROJECT_VARIABLES)}
    for key, value in values.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def production_env(**values: str | None) -> dict[str, str]:
    """``clean_env`` with the production settings (``config.settings.production``)."""
    return clean_env(DJANGO_SETTINGS_MODULE="config.settings.production", **values)


def run(
    argv: list[str], env: dict[str, str], *, timeout: float = 120
) -> "subprocess.CompletedProcess[str]":
    """``argv`` in the project's directory; its output as text; never raises on failure."""
    return subprocess.run(  # noqa: S603 - argv built by the tests themselves
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def manage(
    env: dict[str, str], *args: str, timeout: float = 120
) -> "subprocess.CompletedProcess[str]":
    """``python manage.py <args>`` with ``env``."""
    return run([PYTHON, "manage.py", *args], env, timeout=timeout)


def python(
    env: dict[str, str], *args: str, timeout: float = 180
) -> "subprocess.CompletedProcess[str]":
    """``python <args>`` (a module with ``-m``, code with ``-c``) with ``env``."""
    return run([PYTHON, *args], env, timeout=timeout)


def succeeded(result: "subprocess.CompletedProcess[str]") -> str:
    """The output of a process that must have succeeded (else an assertion with its output)."""
    command = " ".join(map(str, result.args))
    assert result.returncode == 0, (
        f"{command} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    )
    return result.stdout


def settings_json(env: dict[str, str], expression: str) -> Any:
    """``expression`` evaluated over the settings (named ``s``) as a fresh process with ``env``
    computes them; its value through JSON (anything else as ``str``)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({expression}, default=str))"
    )
    return json.loads(succeeded(python(env, "-c", code, timeout=120)).strip().splitlines()[-1])
