"""Account endpoints: register, tokens (obtain, refresh, logout), password reset, deletion.

The anonymous endpoints skip authentication altogether: a client that still sends an expired
access token must be able to log in or refresh, not get a 401 from the stale header.

Logout with a malformed, expired or already revoked refresh token answers 401 with
``code: token_not_valid``, exactly like ``/api/token/refresh/`` does for the same token.
"""

from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken

from hub.api.schema import (
    INVALID_BODY,
    THROTTLED,
    UNSUPPORTED_MEDIA,
    error_response,
    examples_for,
)
from hub.api.serializers.accounts import (
    DetailSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    TokenObtainInputSerializer,
    TokenPairSerializer,
)
from hub.api.throttles import (
    LoginAccountThrottle,
    LoginIpThrottle,
    PasswordResetAccountThrottle,
    PasswordResetConfirmThrottle,
    PasswordResetIpThrottle,
    RefreshThrottle,
    RegisterThrottle,
)
from hub.http_headers import response_no_store
from hub.services import accounts

TAG = "accounts"
RESET_SENT = "Password reset email has been sent."
RESET_DONE = "Password has been reset successfully."

_400 = INVALID_BODY
_401 = error_response("The credentials or the token were refused (see `code`).")
_415 = UNSUPPORTED_MEDIA
_429 = THROTTLED


class _AnonymousApi(APIView):
    authentication_classes = ()
    permission_classes = ()

    def get_authenticate_header(self, request: Request) -> str:
        # Refused credentials are a 401 (DRF answers 403 when a view has no authenticator).
        return 'Bearer realm="api"'

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        # Tokens and reset answers: no cache keeps a copy, whoever asked.
        response = super().finalize_response(request, response, *args, **kwargs)
        response_no_store(response)
        return response


class RegisterApi(_AnonymousApi):
    throttle_classes = (RegisterThrottle,)

    @extend_schema(
        tags=[TAG],
        operation_id="register",
        summary="Create an account",
        description="Create an account with its profile and log it in (the answer carries its "
        "first tokens). The email is the login; a duplicate, in any spelling, is a 400.",
        request=RegisterInputSerializer,
        responses={201: RegisterOutputSerializer, 400: _400, 415: _415, 429: _429},
        examples=[
            OpenApiExample(
                "Register",
                request_only=True,
                value={
                    "email": "anna@example.org",
                    "password": "a-long-Passphrase!",
                    "password2": "a-long-Passphrase!",
                    "profile": {"name": "Anna", "church": 1},
                },
            ),
            *examples_for("auth_register"),
        ],
    )
    def post(self, request: Request) -> Response:
        data = _validated(RegisterInputSerializer, request)
        try:
            user, tokens = accounts.user_register(
                email=data["email"],
                password=data["password"],
                church=data["profile"]["church"],
                name=data["profile"]["name"],
                timezone=data["profile"]["timezone"],
                location=data["profile"]["location"],
            )
        except accounts.EmailTaken as exc:
            # A concurrent registration of the same address won after our check.
            raise exceptions.ValidationError({"email": [str(exc)]}) from exc
        church_id = data["profile"]["church"].pk
        body = RegisterOutputSerializer(
            {
                "email": user.email,
                "profile": {"name": data["profile"]["name"], "church_id": church_id},
                "church": church_id,
                "tokens": {"refresh": tokens.refresh, "access": tokens.access},
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenObtainApi(_AnonymousApi):
    throttle_classes = (LoginIpThrottle, LoginAccountThrottle)

    @extend_schema(
        tags=[TAG],
        operation_id="token_obtain",
        request=TokenObtainInputSerializer,
        responses={200: TokenPairSerializer, 400: _400, 401: _401, 415: _415, 429: _429},
        examples=examples_for("token_obtain_pair"),
        description="Log in with `{username, password}` (username is the email) or "
        "`{email, password}`. The email is matched case-insensitively. Both `username` and "
        "`email` naming different accounts is a 400.",
    )
    def post(self, request: Request) -> Response:
        data = _validated(TokenObtainInputSerializer, request)
        user = authenticate(request._request, username=data["login"], password=data["password"])
        if user is None:
            raise exceptions.AuthenticationFailed(
                "No active account found with the given credentials", code="no_active_account"
            )
        tokens = accounts.refresh_token_issue(user=user)
        return Response({"refresh": tokens.refresh, "access": tokens.access})


class TokenRefreshApi(_AnonymousApi):
    throttle_classes = (RefreshThrottle,)

    @extend_schema(
        tags=[TAG],
        operation_id="token_refresh",
        request=RefreshInputSerializer,
        responses={200: TokenPairSerializer, 400: _400, 401: _401, 415: _415, 429: _429},
        examples=examples_for("token_refresh"),
        description="Exchange a refresh token for a new pair. The refresh token is single-use "
        "(rotation): using it again answers 401.",
    )
    def post(self, request: Request) -> Response:
        data = _validated(RefreshInputSerializer, request)
        try:
            tokens = accounts.refresh_token_rotate(raw_token=data["refresh"])
        except accounts.RefreshTokenRefused as exc:
            raise InvalidToken(str(exc)) from exc
        return Response({"access": tokens.access, "refresh": tokens.refresh})


class TokenLogoutApi(_AnonymousApi):
    throttle_classes = (RefreshThrottle,)

    @extend_schema(
        tags=[TAG],
        operation_id="token_logout",
        request=RefreshInputSerializer,
        responses={
            204: OpenApiResponse(description="The refresh token is revoked."),
            400: _400,
            401: _401,
            415: _415,
            429: _429,
        },
        description="Revoke a refresh token. A malformed, expired or already revoked token "
        "answers 401 (`code: token_not_valid`). Access tokens stay valid until they expire "
        "(15 minutes); clients drop them.",
    )
    def post(self, request: Request) -> Response:
        data = _validated(RefreshInputSerializer, request)
        try:
            accounts.refresh_token_revoke(raw_token=data["refresh"])
        except accounts.RefreshTokenRefused as exc:
            raise InvalidToken(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetApi(_AnonymousApi):
    throttle_classes = (PasswordResetIpThrottle, PasswordResetAccountThrottle)

    @extend_schema(
        tags=[TAG],
        operation_id="password_reset",
        request=PasswordResetInputSerializer,
        responses={200: DetailSerializer, 400: _400, 415: _415, 429: _429},
        examples=examples_for("password_reset"),
        description="Always answers 200 with the same body, whether or not an account has "
        "this email; only a real account is mailed a link with `uidb64` and `token`.",
    )
    def post(self, request: Request) -> Response:
        data = _validated(PasswordResetInputSerializer, request)
        accounts.password_reset_request(email=data["email"])
        return Response({"detail": RESET_SENT})


class PasswordResetConfirmApi(_AnonymousApi):
    throttle_classes = (PasswordResetConfirmThrottle,)

    @extend_schema(
        tags=[TAG],
        operation_id="password_reset_confirm",
        request=PasswordResetConfirmInputSerializer,
        responses={
            200: DetailSerializer,
            400: error_response(
                "Bad link, used or expired token, mismatch or weak password: "
                "`{non_field_errors: [...]}`; a missing field: `{field: [...]}`.",
                fields=True,
            ),
            415: _415,
            429: _429,
        },
        description="Set a new password. The token works once, and every refresh token issued "
        "before stops working.",
    )
    def post(self, request: Request) -> Response:
        data = _validated(PasswordResetConfirmInputSerializer, request)
        try:
            accounts.password_reset_confirm(
                uidb64=data["uidb64"], token=data["token"], new_password=data["new_password"]
            )
        except accounts.PasswordResetInvalid as exc:
            raise exceptions.ValidationError({"non_field_errors": [str(exc)]}) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"non_field_errors": list(exc.messages)}) from exc
        return Response({"detail": RESET_DONE})


class AccountDeleteApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=[TAG],
        operation_id="account_delete",
        summary="Delete the caller's account",
        description="Delete the account with its profile, memberships and picture; every "
        "session ends.",
        request=None,
        responses={
            204: OpenApiResponse(description="Account, profile, memberships and images deleted."),
            401: _401,
        },
    )
    def delete(self, request: Request) -> Response:
        accounts.account_delete(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


def _validated(serializer_class: Any, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
