"""Production settings: base + secure defaults.

Refuses to start (``ImproperlyConfigured``) with a missing, short or low-entropy SECRET_KEY or
JWT_SIGNING_KEY, and with a mail backend that sends nothing unless EMAIL_ALLOW_LOCAL_BACKEND
says so (config/settings/hardening.py). What only warns (media served from local disk without
a public URL, a reset link pointing at localhost) is a deployment check (``hub.checks``), which
``scripts/serve-production`` runs at WARNING level before starting.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import deployment_settings
from config.settings.hardening import email_backend_problem, secret_problem

# The one input that differs; every value derived from it follows (config/settings/base.py).
_derived = deployment_settings(production=True)
globals().update(_derived)

_jwt_key = os.environ.get("JWT_SIGNING_KEY", "")
_problems = [
    secret_problem("SECRET_KEY", _derived["SECRET_KEY"]),
    secret_problem("JWT_SIGNING_KEY", _jwt_key) if _jwt_key else None,
    email_backend_problem(EMAIL_BACKEND, local_allowed=EMAIL_ALLOW_LOCAL_BACKEND),  # noqa: F405
]
if any(_problems):
    raise ImproperlyConfigured(" ".join(problem for problem in _problems if problem))
