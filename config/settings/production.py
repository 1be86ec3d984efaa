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
from config.settings.env import env_bool, env_int, env_str
from config.settings.hardening import email_backend_problem, secret_problem

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Set but empty counts as unset: an empty HMAC key would let anyone mint tokens.
_jwt_key = os.environ.get("JWT_SIGNING_KEY", "")
SIMPLE_JWT["SIGNING_KEY"] = _jwt_key or SECRET_KEY  # noqa: F405
_problems = [
    secret_problem("SECRET_KEY", SECRET_KEY),
    secret_problem("JWT_SIGNING_KEY", _jwt_key) if _jwt_key else None,
    email_backend_problem(EMAIL_BACKEND, local_allowed=EMAIL_ALLOW_LOCAL_BACKEND),  # noqa: F405
]
if any(_problems):
    raise ImproperlyConfigured(" ".join(problem for problem in _problems if problem))

DEBUG = env_bool("DEBUG", default=False)
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]  # noqa: F405
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SERVER_TIMING = env_bool("SERVER_TIMING", default=False)
