"""Registration: an account, its profile and its first tokens, in one transaction."""

import logging

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from hub.identity import email_normalize
from hub.models import Church, Profile
from hub.services.accounts.errors import (
    EmailTaken,
)
from hub.services.accounts.tokens import TokenPair, refresh_token_issue
from hub.services.transactions import write_alias

logger = logging.getLogger(__name__)


def email_is_taken(*, email: str) -> bool:
    """Whether an account already has this email (in its normal form; one index lookup)."""
    return User.objects.using(write_alias(User)).filter(username=email_normalize(email)).exists()


def user_register(
    *,
    email: str,
    password: str,
    church: Church,
    name: str | None = None,
    timezone: str = "UTC",
    location: str | None = None,
) -> tuple[User, TokenPair]:
    """Create the user (username = email), fill in the trigger-made profile, issue tokens.

    One transaction: a failure anywhere leaves no user behind. The password must have been
    validated already (``validate_password``); this only refuses a duplicate email, which a
    concurrent registration can still produce after the caller's check.
    """
    normalized = email_normalize(email)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=normalized, email=normalized, password=password
            )
            # The database trigger created the profile with the INSERT above.
            Profile.objects.filter(user_id=user.pk).update(
                name=name or None, church=church, timezone=timezone, location=location or None
            )
            tokens = refresh_token_issue(user=user)
    except IntegrityError as exc:
        raise EmailTaken("A user with that email already exists.") from exc
    return user, tokens
