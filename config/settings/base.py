"""Fasthub settings. Every value that differs between machines comes from the environment.

Defaults are the embedded development setup: SQLite file in the project, in-process cache,
console email, media on the local filesystem. See the README's configuration table.

What differs between development and production is computed in one place,
``deployment_settings(production=...)``, from that one input and the environment; this module
applies it for development, ``production.py`` for production (it changes the input, never a
derived value), ``test.py`` for the test suite.
"""

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from config.settings.env import env_bool, env_int, env_list, env_str, smtp_url
from config.settings.hardening import DEVELOPMENT_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent.parent

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
# Check ids to silence (e.g. hub.W001 when a proxy on this host serves MEDIA_ROOT at /media/).
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

INSTALLED_APPS = [
    "hub.admin_apps.FasthubAdminConfig",  # django.contrib.admin, login rate-limited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hub",
]

MIDDLEWARE = [
    "hub.observability.RequestCostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hub.http_headers.SecurityHeadersMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Sessions, CSRF, the session user and messages: for the staff admin only (hub.middleware).
    "hub.middleware.AdminSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "hub.middleware.AdminCsrfViewMiddleware",
    "hub.middleware.AdminAuthenticationMiddleware",
    "hub.middleware.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Django's deploy check looks for its CSRF middleware by name; ours is its subclass, scoped to
# the admin (the API takes bearer tokens, never cookies). hub.middleware registers a check that
# fails when the admin's CSRF protection is missing instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

ROOT_URLCONF = "config.urls"
# Unknown URLs, a missing trailing slash included, are answered by hub.api.errors.not_found
# (JSON; a 308 redirect for a GET), never by CommonMiddleware's 301 (which turns a POST into a
# GET, or raises in DEBUG).
APPEND_SLASH = False
CSRF_FAILURE_VIEW = "hub.api.errors.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------
# DATABASE_URL: postgres://user:pass@host:5432/name or sqlite:///path. PostgreSQL connections are
# persistent (CONN_MAX_AGE) and health-checked before reuse, so a restarted server is reconnected
# to without restarting Fasthub.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'fasthub.sqlite3'}")


def database(url: str) -> dict[str, Any]:
    """Django's settings for one database URL (the primary and a replica alike)."""
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 3))
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": database(DATABASE_URL)}

# DATABASE_REPLICA_URL (optional): a PostgreSQL read replica. Reads go there unless the request
# writes, runs in a transaction, or its caller wrote in the last REPLICA_PIN_SECONDS, and while
# the replica answers and lags at most REPLICA_MAX_LAG_SECONDS, measured at most every
# REPLICA_CHECK_SECONDS per process (hub/db_routers.py; docs/SCALING.md).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 5)
# A replica in use lags at most about this plus a check interval; the default keeps that within
# a writer's pin, so read-your-writes holds however far the replica falls behind.
REPLICA_MAX_LAG_SECONDS = env_int(
    "REPLICA_MAX_LAG_SECONDS", max(REPLICA_PIN_SECONDS - REPLICA_CHECK_SECONDS, 1)
)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["hub.db_routers.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(1, "hub.db_routers.ReplicaPinMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -------------------------------------------------------------------------------------
# REDIS_URL set: Redis through django-redis. A Redis outage never fails a request: the client
# ignores connection errors (reads miss, writes are dropped) and requests go to the database.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "fasthub"),
            "OPTIONS": {
                "CLIENT_CLASS": "hub.cache_client.CircuitBreakerClient",
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    # hub.cache_client logs one warning when Redis stops answering, not one per operation.
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fasthub",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# Seconds a cached representation may live; freshness never depends on it (keys are versioned).
CACHE_TTL = env_int("CACHE_TTL", 600)

# --- Auth --------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["hub.auth_backends.EmailBackend"]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 3)

SIMPLE_JWT: dict[str, Any] = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 30)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

# --- REST framework ----------------------------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["hub.api.authentication.ProfileJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Writes take JSON, form-encoded and multipart bodies, as the original service did.
    "DEFAULT_PARSER_CLASSES": [
        "hub.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hub.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login_ip": env_str("THROTTLE_LOGIN_IP", "30/min"),
        "login_account": env_str("THROTTLE_LOGIN_ACCOUNT", "10/min"),
        "refresh": env_str("THROTTLE_REFRESH", "60/min"),
        "register": env_str("THROTTLE_REGISTER", "10/hour"),
        "password_reset_ip": env_str("THROTTLE_PASSWORD_RESET_IP", "10/hour"),
        "password_reset_account": env_str("THROTTLE_PASSWORD_RESET_ACCOUNT", "3/hour"),
        "password_reset_confirm": env_str("THROTTLE_PASSWORD_RESET_CONFIRM", "20/hour"),
        "image_upload": env_str("THROTTLE_IMAGE_UPLOAD", "10/hour"),
    },
    # 0: the client address is REMOTE_ADDR. (DRF's None would trust X-Forwarded-For as sent,
    # letting any client pick a fresh address for each login attempt.)
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Fasthub API",
    "DESCRIPTION": (
        "Church fasts, their days and participants, at a constant query cost per request."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hub.api.schema.describe_success_responses",
    ],
}

# --- HTTP --------------------------------------------------------------------------------------
# Every response's Content-Security-Policy (hub/http_headers.py): scripts, images, fonts and
# requests from this server only (images and fonts may be data: URIs, as Swagger UI's icons
# are), inline styles allowed, no plugins, no framing, forms post here only. Empty: no header.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
)
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
# Files count towards the body limit too (hub.api.parsers.BoundedUploadHandler).
FILE_UPLOAD_HANDLERS = [
    "hub.api.parsers.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
PROFILE_IMAGE_MAX_BYTES = 5 * 1024 * 1024

# --- Observability -----------------------------------------------------------------------------
# SERVER_TIMING (with DEBUG by default; deployment_settings): each response carries
# `Server-Timing: db;dur=..;desc="N queries"`.
# QUERY_BUDGET_WARNINGS: log one structured warning when a request exceeds its endpoint budget.
QUERY_BUDGET_WARNINGS = env_bool("QUERY_BUDGET_WARNINGS", default=True)

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
STORAGES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    # S3-compatible media (AWS, MinIO, R2...) through django-storages; credentials come from
    # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_S3_ENDPOINT_URL as boto3 reads them.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN", "") or None,
            "file_overwrite": False,
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", default=False),
        },
    }

# --- Email -------------------------------------------------------------------------------------
# EMAIL_URL (smtp://user:password@host:587, smtps://...:465) sets every SMTP setting at once;
# without it, EMAIL_BACKEND and the separate EMAIL_* variables apply. A provider's backend
# package (Amazon SES, Mailgun... through django-anymail) is named in EMAIL_BACKEND. Production
# refuses the backends that send nothing (console, locmem, file, dummy) unless
# EMAIL_ALLOW_LOCAL_BACKEND is true (config/settings/hardening.py).
EMAIL_URL = env_str("EMAIL_URL", "")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = False
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if EMAIL_URL:
    _smtp = smtp_url(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _smtp.host, _smtp.port
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _smtp.user, _smtp.password
    EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT = _smtp.use_tls, _smtp.use_ssl, _smtp.timeout
EMAIL_ALLOW_LOCAL_BACKEND = env_bool("EMAIL_ALLOW_LOCAL_BACKEND", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Fasthub <no-reply@fasthub.local>")
# Where the password reset link points (with ?uidb64=...&token=...): the app's own page in a
# real deployment; by default Fasthub's page that shows the code to paste into the app.
PASSWORD_RESET_URL = env_str("PASSWORD_RESET_URL", "http://127.0.0.1:8000/reset-password/")
# Reset mails leave in a background thread, so the response time does not reveal whether
# the account exists (docs/AUTH.md). Off: sent inline (tests read the outbox at once).
PASSWORD_RESET_EMAIL_IN_BACKGROUND = env_bool("PASSWORD_RESET_EMAIL_IN_BACKGROUND", default=True)

# --- Logging -----------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")


def logging_config(log_format: str) -> dict[str, Any]:
    """Every line carries the request id; ``log_format`` is "text" or "json"."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "hub.observability.RequestIdFilter"}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": LOG_LEVEL},
        "loggers": {
            "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
            "django_redis": {"level": "ERROR"},
        },
    }


# --- What differs between development and production ------------------------------------------
def deployment_settings(*, production: bool, debug: bool | None = None) -> dict[str, Any]:
    """The settings that follow from the kind of deployment, computed once from that input and
    the environment. ``debug`` overrides DEBUG's default (the test suite runs without it)."""
    debug = env_bool("DEBUG", default=not production) if debug is None else debug
    secret_key = env_str("SECRET_KEY", "" if production else DEVELOPMENT_SECRET_KEY)
    renderers = ["rest_framework.renderers.JSONRenderer"]
    if debug:
        renderers.append("rest_framework.renderers.BrowsableAPIRenderer")
    static_backend = (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if production
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    settings: dict[str, Any] = {
        "DEBUG": debug,
        "SECRET_KEY": secret_key,
        # Set but empty counts as unset: an empty HMAC key would let anyone mint tokens.
        "SIMPLE_JWT": {**SIMPLE_JWT, "SIGNING_KEY": env_str("JWT_SIGNING_KEY", "") or secret_key},
        "REST_FRAMEWORK": {**REST_FRAMEWORK, "DEFAULT_RENDERER_CLASSES": renderers},
        "SERVER_TIMING": env_bool("SERVER_TIMING", default=debug),
        "LOG_FORMAT": (log_format := env_str("LOG_FORMAT", "json" if production else "text")),
        "LOGGING": logging_config(log_format),
        "STORAGES": {**STORAGES, "staticfiles": {"BACKEND": static_backend}},
    }
    if production:
        settings |= {
            "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
            "SECURE_SSL_REDIRECT": env_bool("SECURE_SSL_REDIRECT", default=True),
            "SECURE_REDIRECT_EXEMPT": [r"^health/$"],
            "SESSION_COOKIE_SECURE": True,
            "CSRF_COOKIE_SECURE": True,
            "SECURE_HSTS_SECONDS": env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365),
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
            "SECURE_HSTS_PRELOAD": True,
            "SECURE_CONTENT_TYPE_NOSNIFF": True,
            "X_FRAME_OPTIONS": "DENY",
        }
    return settings


globals().update(deployment_settings(production=False))
