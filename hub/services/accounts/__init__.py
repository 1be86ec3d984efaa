"""Accounts, by sub-domain: registration, refresh tokens, profiles, password reset, deletion.

The names the API uses are importable from here (``from hub.services import accounts``).
"""

from hub.services.accounts.deletion import account_delete
from hub.services.accounts.errors import (
    AccountError,
    EmailTaken,
    PasswordResetInvalid,
    ProfileGone,
    RefreshTokenRefused,
)
from hub.services.accounts.password_reset import password_reset_confirm, password_reset_request
from hub.services.accounts.profiles import PROFILE_FIELDS, profile_image_replace, profile_update
from hub.services.accounts.registration import email_is_taken, user_register
from hub.services.accounts.tokens import (
    TokenPair,
    refresh_token_issue,
    refresh_token_revoke,
    refresh_token_rotate,
)

__all__ = [
    "PROFILE_FIELDS",
    "AccountError",
    "EmailTaken",
    "PasswordResetInvalid",
    "ProfileGone",
    "RefreshTokenRefused",
    "TokenPair",
    "account_delete",
    "email_is_taken",
    "password_reset_confirm",
    "password_reset_request",
    "profile_image_replace",
    "profile_update",
    "refresh_token_issue",
    "refresh_token_revoke",
    "refresh_token_rotate",
    "user_register",
]
