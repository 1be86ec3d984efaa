"""Refresh tokens: issue, rotate, revoke, and the reuse detection of a login's family.

Refresh tokens and their blacklist
----------------------------------
Every refresh token we issue is recorded in simplejwt's ``OutstandingToken`` table. Using one
(rotation), logging out with it, resetting the password or deleting the account inserts rows
into ``BlacklistedToken``; a blacklisted refresh token is refused. Rotation claims the old token
with a single unique insert, so two concurrent refreshes with the same token cannot both win.

Both tables only grow. Run ``python manage.py flushexpiredtokens`` once a day (cron, a scheduled
job of the hosting platform): it deletes outstanding tokens past their expiry, and their
blacklist rows with them (cascade). Expired tokens are refused by their ``exp`` claim anyway, so
nothing they protected depends on the rows.
"""

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connections, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import BlacklistMixin, RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from hub.services.accounts.errors import (
    RefreshTokenRefused,
)
from hub.services.transactions import write_alias

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenPair:
    refresh: str
    access: str


class _UnverifiedBlacklistRefreshToken(RefreshToken):
    """A refresh token whose blacklist check is left to the caller's unique insert.

    Signature, expiry and type are still verified when decoding; only the separate "is it
    blacklisted" query is skipped, because claiming the token (inserting its blacklist row)
    answers that question atomically.
    """

    def check_blacklist(self) -> None:
        return None


# A login's refresh tokens form a family: each rotation hands the family on to the new token.
# The family is the start of each token's jti (``<family>.<random>``), so simplejwt's own table
# records it and a family is found among one user's tokens (their user_id index) by prefix. A
# token issued before families existed is a family of its own (its whole jti).
FAMILY_SEPARATOR = "."


def refresh_token_issue(*, user: User, family: str | None = None) -> TokenPair:
    """A new refresh/access pair; the refresh token is recorded as outstanding (one INSERT).

    ``family`` continues a login (rotation); without it the pair starts a new one.
    """
    family = family or uuid.uuid4().hex
    # Token.for_user, not BlacklistMixin's: that one records the token before we name its jti.
    refresh = super(BlacklistMixin, RefreshToken).for_user(user)
    refresh[jwt_settings.JTI_CLAIM] = f"{family}{FAMILY_SEPARATOR}{uuid.uuid4().hex}"
    OutstandingToken.objects.create(
        user=user,
        jti=refresh[jwt_settings.JTI_CLAIM],
        token=str(refresh),
        created_at=refresh.current_time,
        expires_at=datetime_from_epoch(refresh["exp"]),
    )
    return TokenPair(refresh=str(refresh), access=str(refresh.access_token))


def refresh_token_rotate(*, raw_token: str) -> TokenPair:
    """Use a refresh token once: blacklist it and issue the next pair of its login (family).

    Presenting a token that was already used (or revoked) is reuse: someone holds a copy. Then
    every token of its family is revoked, the legitimate holder's newest one included, and the
    answer is a refusal; both sides must log in again (OAuth 2.0 Security BCP, refresh token
    reuse detection).

    One transaction, three statements: the outstanding row with its user, the user row locked
    (``FOR UPDATE``: a rotation and a reuse of the same user's tokens take turns, so a family
    revocation also sees a successor being issued at that moment); the blacklist insert (the
    claim: a second use, concurrent or not, inserts nothing); the new outstanding row, or on
    reuse the family's revocation.
    """
    old = _refresh_token_decode(raw_token)
    family = _family_of(old)
    with transaction.atomic(using=write_alias(OutstandingToken)):
        outstanding = _outstanding_of_active_user(old)
        if outstanding is None or outstanding.user is None:
            raise RefreshTokenRefused("No active account found for the given token.")
        if _refresh_token_claim(outstanding_id=outstanding.pk):
            return refresh_token_issue(user=outstanding.user, family=family)
        _refresh_token_family_revoke(user_id=outstanding.user.pk, family=family)
    raise RefreshTokenRefused("Token is blacklisted")


def refresh_token_revoke(*, raw_token: str) -> None:
    """Logout: blacklist one refresh token. Refused when it is invalid or already revoked.

    An already used token presented here is reuse too: its family is revoked.
    """
    token = _refresh_token_decode(raw_token)
    family = _family_of(token)
    with transaction.atomic(using=write_alias(OutstandingToken)):
        outstanding = _outstanding_of_active_user(token) or _outstanding_for(token)
        if _refresh_token_claim(outstanding_id=outstanding.pk):
            return
        if outstanding.user_id is not None:
            _refresh_token_family_revoke(user_id=outstanding.user_id, family=family)
    raise RefreshTokenRefused("Token is blacklisted")


def _refresh_token_family_revoke(*, user_id: int, family: str) -> None:
    """Blacklist every unexpired refresh token of one login (one INSERT ... SELECT)."""
    like = family.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    _blacklist_where(
        user_id=user_id,
        jti_condition="AND (o.jti = %s OR o.jti LIKE %s ESCAPE '\\') ",
        params=[family, f"{like}{FAMILY_SEPARATOR}%"],
    )


def _blacklist_where(*, user_id: int, jti_condition: str, params: list[Any]) -> None:
    blacklisted = BlacklistedToken._meta.db_table
    outstanding = OutstandingToken._meta.db_table
    now = timezone.now()
    with connections[write_alias(BlacklistedToken)].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {blacklisted} (token_id, blacklisted_at) "  # noqa: S608 (table names)
            f"SELECT o.id, %s FROM {outstanding} o "
            f"WHERE o.user_id = %s AND o.expires_at > %s {jti_condition}"
            f"AND NOT EXISTS (SELECT 1 FROM {blacklisted} b WHERE b.token_id = o.id) "
            f"ON CONFLICT (token_id) DO NOTHING",
            [now, user_id, now, *params],
        )


def _family_of(token: RefreshToken) -> str:
    return str(token[jwt_settings.JTI_CLAIM]).split(FAMILY_SEPARATOR, 1)[0]


def _refresh_token_decode(raw_token: str) -> RefreshToken:
    try:
        return _UnverifiedBlacklistRefreshToken(raw_token)  # type: ignore[arg-type]
    except TokenError as exc:
        raise RefreshTokenRefused(str(exc.args[0]) if exc.args else "Token is invalid.") from exc


def _outstanding_of_active_user(token: RefreshToken) -> OutstandingToken | None:
    """The token's outstanding row with its active user, the user's row locked (in a
    transaction). None when the user is gone or inactive, or the token was never recorded."""
    jti = token[jwt_settings.JTI_CLAIM]
    rows = (
        OutstandingToken.objects.using(write_alias(OutstandingToken))
        .select_related("user")
        .select_for_update(of=("user",))
        .filter(jti=jti, user__is_active=True)
    )
    found = rows.first()
    if found is not None or OutstandingToken.objects.filter(jti=jti).exists():
        return found
    # Every token we issue is recorded; one missing was issued elsewhere with our key (a
    # management shell). Record it so it can be blacklisted like any other, then lock.
    _outstanding_for(token)
    return rows.first()


def _outstanding_for(token: RefreshToken) -> OutstandingToken:
    jti = token[jwt_settings.JTI_CLAIM]
    # Revocation state is read from the primary: a replica may lag behind a logout or rotation.
    outstanding = (
        OutstandingToken.objects.using(write_alias(OutstandingToken))
        .select_related("user")
        .filter(jti=jti)
        .first()
    )
    if outstanding is not None:
        return outstanding
    user = (
        User.objects.using(write_alias(User))
        .filter(pk=token.get(jwt_settings.USER_ID_CLAIM))
        .first()
    )
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=jti,
        defaults={
            "user": user,
            "created_at": token.current_time,
            "token": str(token),
            "expires_at": datetime_from_epoch(token["exp"]),
        },
    )
    return outstanding


def _refresh_token_claim(*, outstanding_id: int) -> bool:
    """Blacklist one token; False when it already was (used, logged out or revoked)."""
    blacklisted = BlacklistedToken._meta.db_table
    with connections[write_alias(BlacklistedToken)].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {blacklisted} (token_id, blacklisted_at) "  # noqa: S608 (table name)
            "VALUES (%s, %s) ON CONFLICT (token_id) DO NOTHING",
            [outstanding_id, timezone.now()],
        )
        return bool(cursor.rowcount == 1)
