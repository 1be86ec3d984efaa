"""Test settings: the base settings, with fast password hashing and in-memory email.

DATABASE_URL / REDIS_URL still decide the backends, so the same suite runs on SQLite and
on PostgreSQL + Redis.
"""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import deployment_settings

# Development settings without DEBUG (as Django's test runner runs them anyway): JSON answers only.
globals().update(deployment_settings(production=False, debug=False))

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Reset mails are sent inline, so no mail queued by one test lands in the next one's outbox;
# the tests of the background queue (reset timing, delivery) turn it on.
PASSWORD_RESET_EMAIL_IN_BACKGROUND = False
SERVER_TIMING = True
LOGGING_CONFIG = None

# Parallel test workers (pytest-xdist) each get their own Redis database, because the suite
# clears the cache between tests.
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":  # noqa: F405
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    _base = CACHES["default"]["LOCATION"].rstrip("/").rsplit("/", 1)  # noqa: F405
    _db = 1 + int(_worker) if _worker.isdigit() else 1
    if len(_base) == 2 and _base[1].isdigit():
        CACHES["default"]["LOCATION"] = f"{_base[0]}/{_db}"  # noqa: F405
    else:
        CACHES["default"]["LOCATION"] = f"{CACHES['default']['LOCATION'].rstrip('/')}/{_db}"  # noqa: F405
