"""Input and output shapes of the account endpoints (docs/API.md §3.2, §4.7)."""

import re
import threading
from typing import Any

from better_profanity import profanity
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from hub.identity import email_normalize
from hub.models import Church
from hub.services.accounts import email_is_taken
from hub.validators import validate_timezone

EMAIL_MAX_LENGTH = 150  # User.username holds the email
PASSWORD_MAX_LENGTH = 256  # hashing a megabyte "password" is a cheap way to burn our CPU
PROFANITY_MESSAGE = "Please choose a name without offensive words."

_profanity_loaded = False
_profanity_lock = threading.Lock()


def contains_profanity(text: str) -> bool:
    """better_profanity's check, with its default word list loaded once per process."""
    global _profanity_loaded
    if not _profanity_loaded:
        with _profanity_lock:
            if not _profanity_loaded:
                profanity.load_censor_words()
                _profanity_loaded = True
    return bool(profanity.contains_profanity(text))


def validate_clean_name(value: str | None) -> str | None:
    if value and contains_profanity(value):
        raise serializers.ValidationError(PROFANITY_MESSAGE)
    return value


def _email_words(email: str) -> str:
    # "big.shit99@x" is checked as the words "big shit"
    local_part = email.split("@", 1)[0]
    return re.sub(r"[^a-zA-Z]+", " ", local_part)


class PasswordField(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("write_only", True)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("max_length", PASSWORD_MAX_LENGTH)
        kwargs.setdefault("style", {"input_type": "password"})
        super().__init__(**kwargs)


class NormalizedEmailField(serializers.EmailField):
    """An email in its one stored form (``hub.identity``), validated after normalising: a
    fullwidth or differently cased address is the same address."""

    def to_internal_value(self, data: Any) -> str:
        return email_normalize(super().to_internal_value(data))


class DetailSerializer(serializers.Serializer):
    """A confirmation."""

    detail = serializers.CharField(help_text="What was done.")


# --- Registration ------------------------------------------------------------------------------


class RegisterProfileInputSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=64,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="The name to show to other members (optional).",
    )
    church = serializers.PrimaryKeyRelatedField(
        queryset=Church.objects.all(),
        help_text="The id of the member's church (see /api/churches/).",
    )
    timezone = serializers.CharField(
        max_length=64,
        required=False,
        default="UTC",
        validators=[validate_timezone],
        help_text="IANA time zone that decides the member's 'today' (default UTC).",
    )
    location = serializers.CharField(
        max_length=100,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="Where the member is; free text (optional).",
    )

    def validate_name(self, value: str | None) -> str | None:
        return validate_clean_name(value.strip() if value else None) or None

    def validate_location(self, value: str | None) -> str | None:
        return value.strip() if value and value.strip() else None


class RegisterInputSerializer(serializers.Serializer):
    email = NormalizedEmailField(
        max_length=EMAIL_MAX_LENGTH,
        help_text="The account's email, also its login; stored lower-cased (NFKC, case-folded).",
    )
    password = PasswordField(help_text="At least 8 characters, not common, not all digits.")
    password2 = PasswordField(help_text="The same password again.")
    profile = RegisterProfileInputSerializer(help_text="The new member's profile.")

    def validate_email(self, email: str) -> str:
        if contains_profanity(_email_words(email)):
            raise serializers.ValidationError(
                "Please choose an email address without offensive words."
            )
        if email_is_taken(email=email):
            raise serializers.ValidationError("A user with that email already exists.")
        return email

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["password"] != attrs["password2"]:
            raise serializers.ValidationError({"password2": ["Password fields didn't match."]})
        # Similarity is judged against the would-be account (its email and name).
        candidate = User(
            username=attrs["email"], email=attrs["email"], first_name=attrs["profile"]["name"] or ""
        )
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class RegisterProfileOutputSerializer(serializers.Serializer):
    name = serializers.CharField(allow_null=True, help_text="The name given, or null.")
    church = serializers.IntegerField(
        source="church_id", allow_null=True, help_text="The member's church id."
    )


class TokenPairSerializer(serializers.Serializer):
    """A new pair of tokens."""

    refresh = serializers.CharField(
        help_text="Refresh token: exchange it at /api/token/refresh/ for a new pair; single use."
    )
    access = serializers.CharField(
        help_text="Access token: send it as `Authorization: Bearer <access>`; short-lived."
    )


class RegisterOutputSerializer(serializers.Serializer):
    """The new account, logged in."""

    email = serializers.EmailField(help_text="The account's email, as stored.")
    profile = RegisterProfileOutputSerializer(help_text="The new profile's name and church.")
    church = serializers.IntegerField(allow_null=True, help_text="The member's church id.")
    tokens = TokenPairSerializer(help_text="Tokens of the new account's first session.")


# --- Tokens ------------------------------------------------------------------------------------


class TokenObtainInputSerializer(serializers.Serializer):
    """``{username, password}`` (username carries the email) or ``{email, password}``.

    ``login`` is the identity authenticated, and the one the per-account login throttle counts
    (``hub.api.throttles``). Both fields naming different accounts is a 400: otherwise one of
    them would be a decoy for the throttle.
    """

    username = serializers.CharField(
        max_length=254, required=False, help_text="The account's email (or send `email`)."
    )
    email = serializers.CharField(
        max_length=254, required=False, help_text="The account's email (or send `username`)."
    )
    password = PasswordField(help_text="The account's password.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        username, email = attrs.get("username"), attrs.get("email")
        if username and email and email_normalize(username) != email_normalize(email):
            raise serializers.ValidationError(
                {"non_field_errors": ["username and email name different accounts; send one."]}
            )
        login = username or email
        if not login:
            raise serializers.ValidationError({"username": ["This field is required."]})
        return {"login": login, "password": attrs["password"]}


class RefreshInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096, help_text="A refresh token.")


# --- Password reset ----------------------------------------------------------------------------


class PasswordResetInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The account's email.")


class PasswordResetConfirmInputSerializer(serializers.Serializer):
    uidb64 = serializers.CharField(max_length=64, help_text="`uidb64` from the reset link.")
    token = serializers.CharField(max_length=128, help_text="`token` from the reset link.")
    new_password = PasswordField(help_text="The new password (the same rules as registration).")
    confirm_password = PasswordField(help_text="The new password again.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["new_password"] != attrs["confirm_password"]:
            raise serializers.ValidationError("Password fields didn't match.")
        return attrs
