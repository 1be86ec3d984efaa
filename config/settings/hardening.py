"""What production refuses to start with (config/settings/production.py), as plain functions.

Each returns a problem to report, or None. A secret's value never appears in a message.
"""

import math
from collections import Counter

# Django's own deployment check (security.W009) wants 50 characters and 5 different ones;
# a secret must also not be guessable from its own letters: its length times the Shannon
# entropy of its characters is a rough estimate of its bits (a random 50-character hex key
# scores about 190, ``secrets.token_urlsafe(50)`` about 340, "x" * 60 zero).
SECRET_MIN_LENGTH = 50
SECRET_MIN_BITS = 150
KEY_RECIPE = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

# Mail backends that do not send: a reset link would be printed, kept in memory or written to
# a file on the server instead of reaching its owner.
LOCAL_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    }
)


def secret_estimated_bits(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    length = len(value)
    return -length * sum(n / length * math.log2(n / length) for n in counts.values())


def secret_problem(name: str, value: str | None) -> str | None:
    if not value:
        return f"{name} must be set in production."
    if value == DEVELOPMENT_SECRET_KEY or value.startswith("django-insecure"):
        return f"{name} is the development key; {KEY_RECIPE}."
    if len(value) < SECRET_MIN_LENGTH:
        return (
            f"{name} is too short ({len(value)} characters); use at least {SECRET_MIN_LENGTH} "
            f"random ones ({KEY_RECIPE})."
        )
    if secret_estimated_bits(value) < SECRET_MIN_BITS:
        return f"{name} repeats too few characters to be secret (low entropy); {KEY_RECIPE}."
    return None


def email_backend_problem(backend: str, *, local_allowed: bool) -> str | None:
    if backend in LOCAL_EMAIL_BACKENDS and not local_allowed:
        return (
            f"EMAIL_BACKEND is {backend}, which sends nothing: password reset links would stay "
            "on the server. Set EMAIL_URL (smtp://user:password@host:587) or EMAIL_BACKEND to a "
            "real backend, or EMAIL_ALLOW_LOCAL_BACKEND=true to keep it on purpose."
        )
    return None
