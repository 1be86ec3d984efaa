"""Deleting an account."""

import logging
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import FileField

from hub.models import Profile
from hub.services import images

logger = logging.getLogger(__name__)


def account_delete(*, user: User) -> None:
    """Delete the user with profile and memberships; remove its image files once committed.

    The profile and user rows are locked first and the file names read under that lock, so a
    picture upload running at the same time either commits before (and its files are the ones
    deleted here) or finds the profile gone (and removes its own files). The database keeps the
    rest (migration 0004): the memberships' deletion drops the fasts' counters and bumps their
    churches' versions, and the refresh tokens, whose ``user`` column the deletion nulls, are
    blacklisted. A constant number of statements however many fasts the user joined.
    """
    storage = cast(FileField, Profile._meta.get_field("profile_image")).storage
    with transaction.atomic():
        locked = (
            Profile.objects.select_related("user")
            .select_for_update()
            .only("profile_image", "profile_image_thumbnail", "user__id")
            .filter(user_id=user.pk)
            .first()
        )
        names = [None, None]
        if locked is not None:
            names = [locked.profile_image.name or None, locked.profile_image_thumbnail.name or None]
        user.delete()
        transaction.on_commit(lambda: images.files_delete(storage=storage, names=names))
