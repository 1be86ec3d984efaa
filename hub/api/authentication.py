"""JWT authentication that loads the user, profile and church in one query.

simplejwt's stock class loads only the user; nearly every endpoint then needs the profile (time
zone, church, cache version) and its church. Selecting them together makes "who is calling"
cost exactly one query everywhere, and the statement is built once per process
(``hub.selectors.compiled``): every request pays for running it, none for building it.
"""

from typing import Any

from django.contrib.auth.models import User
from rest_framework_simplejwt.authentication import AUTH_HEADER_TYPE_BYTES, JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from hub.limits import MAX_ID
from hub.selectors.compiled import PreparedQuery

# Who is calling: the user with the profile and its church (select_related), by the token's id.
_CALLER = PreparedQuery(
    lambda p: User.objects.select_related("profile", "profile__church").filter(
        **{api_settings.USER_ID_FIELD: p.user_id}
    ),
    params={"user_id": int},
)


class ProfileJWTAuthentication(JWTAuthentication):
    def get_raw_token(self, header: bytes) -> bytes | None:
        # simplejwt treats another scheme ("Token abc", "JWT abc") as no credentials at all, so
        # the client hears "credentials were not provided"; say what is wrong instead.
        parts = header.split()
        if parts and parts[0] not in AUTH_HEADER_TYPE_BYTES:
            raise AuthenticationFailed(
                "The Authorization header must be 'Bearer <access token>' (from /api/token/).",
                code="bad_authorization_header",
            )
        return super().get_raw_token(header)

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]
        try:
            user_id: Any = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken("Token contained no recognizable user identification") from exc
        # simplejwt writes the id as a string; the statement takes it as the integer it is.
        if isinstance(user_id, str) and user_id.isascii() and user_id.isdigit():
            user_id = int(user_id)
        if not isinstance(user_id, int) or isinstance(user_id, bool) or not 0 < user_id <= MAX_ID:
            raise InvalidToken("Token contained no recognizable user identification")
        user = _CALLER.first(user_id=user_id)
        if user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        if not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        return user
