"""Rate limits for the unauthenticated account endpoints (login, refresh, register, reset).

Each limit is a DRF ``SimpleRateThrottle`` counted in the default cache, which is Redis when
``REDIS_URL`` is set, so every worker process shares the counters. Two keys guard logins and
password resets: the client IP (one machine trying many accounts) and the account named in the
body (many machines trying one account). Rates come from ``REST_FRAMEWORK
["DEFAULT_THROTTLE_RATES"]`` (env ``THROTTLE_*``), read at each request so a settings override
applies at once. A refused request is ``429 {"detail": ...}`` with ``Retry-After``.
"""

import hashlib
from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class _ScopedThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)


class _IpThrottle(_ScopedThrottle):
    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _AccountThrottle(_ScopedThrottle):
    """Keyed by the email (or username) in the request body; no key, no limit."""

    body_fields: tuple[str, ...] = ("email", "username")

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        account = _account_in_body(request.data, self.body_fields)
        if account is None:
            return None
        digest = hashlib.sha256(account.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}


class LoginIpThrottle(_IpThrottle):
    scope = "login_ip"


class LoginAccountThrottle(_AccountThrottle):
    scope = "login_account"


class RefreshThrottle(_IpThrottle):
    scope = "refresh"


class RegisterThrottle(_IpThrottle):
    scope = "register"


class PasswordResetIpThrottle(_IpThrottle):
    scope = "password_reset_ip"


class PasswordResetAccountThrottle(_AccountThrottle):
    scope = "password_reset_account"
    body_fields = ("email",)


def _account_in_body(data: Any, fields: tuple[str, ...]) -> str | None:
    if not hasattr(data, "get"):
        return None
    for field in fields:
        value = data.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()[:254]
    return None
