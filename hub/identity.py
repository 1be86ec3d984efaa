"""How an account's identity (its email, which is also its username) is written and looked up.

One normal form for every writer and every lookup: Unicode NFKC, then case-folded (Unicode's
"NFKC_Casefold"), surrounding spaces removed. ``Straße@Example.org``, ``STRASSE@example.org``
and the same address typed in fullwidth letters all name one account, and the unique index on
``auth_user.username`` then refuses a second account for the same person. Registration,
login, password reset and the throttles keyed by account all go through ``email_normalize``; a
user saved through the ORM (admin, ``createsuperuser``, a shell) is normalised by
``user_identity_normalize`` before it is written, and migration 0005 normalised the rows
already there.
"""

import unicodedata
from typing import Any

from django.contrib.auth.models import User


def email_normalize(email: str) -> str:
    folded = unicodedata.normalize("NFKC", email.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def user_identity_normalize(sender: type[User], instance: User, **kwargs: Any) -> None:
    """``pre_save`` of User: username and email in their normal form; username = email when
    the username is an email address and no email was given."""
    if instance.username:
        instance.username = email_normalize(instance.username)
    if instance.email:
        instance.email = email_normalize(instance.email)
    elif "@" in instance.username:
        instance.email = instance.username
