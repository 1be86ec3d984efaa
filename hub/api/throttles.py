"""Rate limits: logins (API and admin), refresh, register, password reset, picture uploads.

Counting
--------
Each limit is a fixed window counted in the default cache, which is Redis when ``REDIS_URL`` is
set, so every worker process shares the counters. The first request of a window creates the
counter with ``cache.add(key, 0, timeout=period)`` (Redis ``SET NX EX``) and every request adds
one with ``cache.incr`` (Redis ``INCRBY``, which keeps the expiry); a request is refused when
its count passes the limit. Both steps are atomic, in Redis and under the in-process cache's
lock alike, so a limit of N lets exactly N requests through in a window however many arrive at
once and however many workers answer them (a read-then-write count let twice that through).

A window starts with its first request and lasts the rate's period (``10/min``: 60 s), so at
most N pass in a window and at most 2N in any span that crosses a window's end. Refused requests
are counted too, which never lengthens a window. When the cache cannot be reached, requests are
let through (the cache's outage must not lock everyone out) and the database still answers.

Keys
----
Two keys guard logins and password resets: the client IP (one machine trying many accounts)
and the account (many machines trying one account). The account key is the identity the login
actually authenticates (``username``, else ``email``, validated by the same serializer as the
view) normalised by ``hub.identity.email_normalize``, the lookup's own normalisation,
so no spelling of one account (letter case, spaces, Unicode case folds) gets a fresh counter.
It is hashed: no email is written to the cache.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (env ``THROTTLE_*``), read at each
request so a settings override applies at once; a scope without a rate is not limited. A refused
request is ``429 {"detail": ...}`` with ``Retry-After`` (seconds left in the window).
"""

from __future__ import annotations

import hashlib
from typing import cast

from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from hub.api.serializers.accounts import PasswordResetInputSerializer, TokenObtainInputSerializer
from hub.identity import email_normalize

KEY_PREFIX = "throttle"
PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}  # as DRF reads "10/min", "3/hour"


def rate_limit_hit(*, scope: str, ident: str) -> float | None:
    """Count one request of ``ident`` against ``scope``'s limit.

    Returns None when it may pass, else the seconds until its window ends.
    """
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    if rate is None:
        return None
    count_text, period_text = str(rate).split("/")
    limit, period = int(count_text), PERIOD_SECONDS[period_text[0]]
    key = f"{KEY_PREFIX}:{scope}:{ident}"
    count = _window_count(key, period)
    if count is None or count <= limit:
        return None
    return _seconds_left(key, period)


def account_ident(login: str) -> str:
    """The throttle identity of an account named ``login``: its normalised email, hashed."""
    return hashlib.sha256(email_normalize(login).encode()).hexdigest()[:32]


def client_ident(request: HttpRequest | Request) -> str:
    """The client address, as DRF reads it (``X-Forwarded-For`` only behind ``NUM_PROXIES``)."""
    # DRF reads only ``headers`` and ``META``, which a plain HttpRequest (the admin's) has too.
    return str(BaseThrottle().get_ident(cast(Request, request)) or "")


def login_attempt_wait(*, request: HttpRequest | Request, login: str | None) -> float | None:
    """Count a login attempt against the client IP and the account (the admin's login form).

    The same two limits as ``/api/token/`` and the same counters. Returns the seconds to wait
    when either refuses, else None.
    """
    waits = [rate_limit_hit(scope=LoginIpThrottle.scope, ident=client_ident(request))]
    if login:
        waits.append(rate_limit_hit(scope=LoginAccountThrottle.scope, ident=account_ident(login)))
    refused = [wait for wait in waits if wait is not None]
    return max(refused) if refused else None


def _window_count(key: str, period: int) -> int | None:
    """The count after this request in the key's current window; None when the cache is down."""
    for _ in range(2):
        cache.add(key, 0, timeout=period)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between the two calls: open the next one
            continue
        return None if count is None else int(count)
    return None


def _seconds_left(key: str, period: int) -> float:
    ttl = getattr(cache, "ttl", None)  # django-redis; the in-process cache cannot tell
    if callable(ttl):
        left = ttl(key)
        if isinstance(left, int | float) and left > 0:
            return float(left)
    return float(period)


# --- DRF throttles ---------------------------------------------------------------------------


class _RateThrottle(BaseThrottle):
    scope: str = ""

    def __init__(self) -> None:
        self._wait: float | None = None

    def ident(self, request: Request, view: APIView) -> str | None:
        """What is counted (None: this request is not limited by this throttle)."""
        raise NotImplementedError

    def allow_request(self, request: Request, view: APIView) -> bool:
        ident = self.ident(request, view)
        self._wait = None if ident is None else rate_limit_hit(scope=self.scope, ident=ident)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class _IpThrottle(_RateThrottle):
    def ident(self, request: Request, view: APIView) -> str | None:
        return client_ident(request)


class LoginIpThrottle(_IpThrottle):
    scope = "login_ip"


class LoginAccountThrottle(_RateThrottle):
    """The account the login authenticates; a body that names none (a 400) is not counted."""

    scope = "login_account"

    def ident(self, request: Request, view: APIView) -> str | None:
        serializer = TokenObtainInputSerializer(data=request.data)
        if not serializer.is_valid():
            return None
        return account_ident(serializer.validated_data["login"])


class RefreshThrottle(_IpThrottle):
    scope = "refresh"


class RegisterThrottle(_IpThrottle):
    scope = "register"


class PasswordResetIpThrottle(_IpThrottle):
    scope = "password_reset_ip"


class PasswordResetAccountThrottle(_RateThrottle):
    scope = "password_reset_account"

    def ident(self, request: Request, view: APIView) -> str | None:
        serializer = PasswordResetInputSerializer(data=request.data)
        if not serializer.is_valid():
            return None
        return account_ident(serializer.validated_data["email"])


class PasswordResetConfirmThrottle(_IpThrottle):
    """Its own counter: mistyping on the confirm page does not spend the reset requests."""

    scope = "password_reset_confirm"


class ImageUploadThrottle(_RateThrottle):
    """Per user: every upload is decoded, which costs up to a second of CPU."""

    scope = "image_upload"

    def ident(self, request: Request, view: APIView) -> str | None:
        user = request.user
        return str(user.pk) if user is not None and user.is_authenticated else None
