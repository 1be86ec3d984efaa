"""Profile edits and the profile picture."""

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from hub.models import Church, Profile
from hub.services import images
from hub.services.accounts.errors import (
    ProfileGone,
)

logger = logging.getLogger(__name__)

PROFILE_FIELDS = frozenset({"name", "location", "church", "timezone", *Profile.NOTIFICATION_FLAGS})


def profile_update(*, profile: Profile, data: dict[str, Any]) -> Profile:
    """Change the given profile fields (any subset of PROFILE_FIELDS).

    ``church`` is an id or None; an unknown id is a ``ValidationError`` under ``church``.
    Cost: one query to check the church when it is given, then one UPDATE. No cached
    representation shows these columns (hub.caching), so no version changes. The in-memory
    ``profile`` is updated to match and returned.
    """
    unknown = set(data) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    values = dict(data)
    if "church" in values:
        church_id = values.pop("church")
        if church_id is not None and not Church.objects.filter(pk=church_id).exists():
            raise ValidationError({"church": ["Church with the provided ID does not exist."]})
        values["church_id"] = church_id
    if not values:
        return profile
    Profile.objects.filter(pk=profile.pk).update(**values)
    for field, value in values.items():
        setattr(profile, field, value)
    return profile


def profile_image_replace(*, profile: Profile, upload: UploadedFile | None) -> Profile:
    """Store a new profile image and its 100x100 thumbnail (or clear both when ``upload`` is None).

    The upload is verified and re-encoded by ``hub.services.images`` (``ImageInvalid`` /
    ``ImageTooLarge`` when refused) and its files are stored before the transaction. Then two
    statements: the profile row is locked and its current file names read (``SELECT ... FOR
    UPDATE``), and one UPDATE stores the new names. Replacements of one profile therefore take
    turns, and each deletes exactly the files the previous one stored, once committed: however
    many run at once, no file is left that no row names. If the transaction fails, or the
    profile is gone (its account deleted meanwhile: ``ProfileGone``), the new files are removed
    instead. ``manage.py sweep_media`` removes what a crash between the two steps can leave.
    """
    image_field = Profile._meta.get_field("profile_image")
    thumb_field = Profile._meta.get_field("profile_image_thumbnail")
    storage = profile.profile_image.storage

    new_image_name: str | None = None
    new_thumb_name: str | None = None
    if upload is not None:
        files = images.profile_image_files(
            source=upload, max_bytes=settings.PROFILE_IMAGE_MAX_BYTES
        )
        base_name = images.unique_jpeg_name()
        new_image_name = storage.save(
            image_field.generate_filename(profile, base_name), files.image
        )
        new_thumb_name = storage.save(
            thumb_field.generate_filename(profile, base_name), files.thumbnail
        )
    try:
        with transaction.atomic():
            old_names = (
                Profile.objects.select_for_update()
                .filter(pk=profile.pk)
                .values_list("profile_image", "profile_image_thumbnail")
                .first()
            )
            if old_names is None:
                raise ProfileGone("The account no longer exists.")
            Profile.objects.filter(pk=profile.pk).update(
                profile_image=new_image_name, profile_image_thumbnail=new_thumb_name
            )
            transaction.on_commit(
                lambda: images.files_delete(storage=storage, names=list(old_names))
            )
    except Exception:
        images.files_delete(storage=storage, names=[new_image_name, new_thumb_name])
        raise
    profile.profile_image = new_image_name
    profile.profile_image_thumbnail = new_thumb_name
    return profile
