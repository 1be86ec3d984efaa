"""The caller's profile (docs/API.md §4.5 Profile) and its image upload."""

from django.conf import settings
from rest_framework import serializers

from hub.api.serializers.accounts import validate_clean_name
from hub.api.serializers.media import absolute_media_url
from hub.limits import megabytes
from hub.models import Profile
from hub.validators import validate_timezone

# What each notification preference means (the same words in the profile and its edits).
NOTIFICATION_HELP = {
    "receive_upcoming_fast_reminders": "Email reminders before a fast begins.",
    "receive_upcoming_fast_push_notifications": "Push notifications before a fast begins.",
    "receive_ongoing_fast_push_notifications": "Push notifications while a joined fast lasts.",
    "receive_daily_fast_push_notifications": "A push notification on each day of a joined fast.",
    "include_weekly_fasts_in_notifications": "Also notify about the weekly (Wednesday and "
    "Friday) fasts.",
    "receive_promotional_emails": "News from the community by email.",
}


class ProfileOutputSerializer(serializers.Serializer):
    """The caller's own profile."""

    user_id = serializers.IntegerField(help_text="The account's id.")
    email = serializers.EmailField(source="user.email", help_text="The account's email.")
    name = serializers.CharField(allow_null=True, help_text="The name shown to other members.")
    profile_image = serializers.SerializerMethodField(
        help_text="The profile picture (absolute URL); null if none."
    )
    thumbnail = serializers.SerializerMethodField(
        help_text="A 100x100 JPEG of the picture (absolute URL); null if none."
    )
    location = serializers.CharField(allow_null=True, help_text="Where the member is; free text.")
    church = serializers.IntegerField(
        source="church_id", allow_null=True, help_text="The member's church id, or null."
    )
    timezone = serializers.CharField(help_text="IANA time zone that decides 'today'.")
    receive_upcoming_fast_reminders = serializers.BooleanField(
        help_text=NOTIFICATION_HELP["receive_upcoming_fast_reminders"]
    )
    receive_upcoming_fast_push_notifications = serializers.BooleanField(
        help_text=NOTIFICATION_HELP["receive_upcoming_fast_push_notifications"]
    )
    receive_ongoing_fast_push_notifications = serializers.BooleanField(
        help_text=NOTIFICATION_HELP["receive_ongoing_fast_push_notifications"]
    )
    receive_daily_fast_push_notifications = serializers.BooleanField(
        help_text=NOTIFICATION_HELP["receive_daily_fast_push_notifications"]
    )
    include_weekly_fasts_in_notifications = serializers.BooleanField(
        help_text=NOTIFICATION_HELP["include_weekly_fasts_in_notifications"]
    )
    receive_promotional_emails = serializers.BooleanField(
        help_text=NOTIFICATION_HELP["receive_promotional_emails"]
    )

    def get_profile_image(self, profile: Profile) -> str | None:
        return absolute_media_url(self.context["request"], profile.profile_image.name)

    def get_thumbnail(self, profile: Profile) -> str | None:
        return absolute_media_url(self.context["request"], profile.profile_image_thumbnail.name)


class ProfileUpdateInputSerializer(serializers.Serializer):
    """Any subset of the editable fields (PUT and PATCH alike); other fields are ignored."""

    name = serializers.CharField(
        max_length=64,
        allow_null=True,
        allow_blank=True,
        required=False,
        help_text="The name shown to other members; empty or null removes it.",
    )
    location = serializers.CharField(
        max_length=100,
        allow_null=True,
        allow_blank=True,
        required=False,
        help_text="Where the member is; empty or null removes it.",
    )
    church = serializers.IntegerField(
        min_value=1,
        allow_null=True,
        required=False,
        help_text="The member's church id (see /api/churches/), or null.",
    )
    timezone = serializers.CharField(
        max_length=64,
        validators=[validate_timezone],
        required=False,
        help_text="IANA time zone that decides 'today', e.g. `Europe/Paris`.",
    )
    receive_upcoming_fast_reminders = serializers.BooleanField(
        required=False, help_text=NOTIFICATION_HELP["receive_upcoming_fast_reminders"]
    )
    receive_upcoming_fast_push_notifications = serializers.BooleanField(
        required=False, help_text=NOTIFICATION_HELP["receive_upcoming_fast_push_notifications"]
    )
    receive_ongoing_fast_push_notifications = serializers.BooleanField(
        required=False, help_text=NOTIFICATION_HELP["receive_ongoing_fast_push_notifications"]
    )
    receive_daily_fast_push_notifications = serializers.BooleanField(
        required=False, help_text=NOTIFICATION_HELP["receive_daily_fast_push_notifications"]
    )
    include_weekly_fasts_in_notifications = serializers.BooleanField(
        required=False, help_text=NOTIFICATION_HELP["include_weekly_fasts_in_notifications"]
    )
    receive_promotional_emails = serializers.BooleanField(
        required=False, help_text=NOTIFICATION_HELP["receive_promotional_emails"]
    )

    def validate_name(self, value: str | None) -> str | None:
        return validate_clean_name(value.strip() if value else None) or None

    def validate_location(self, value: str | None) -> str | None:
        return value.strip() if value and value.strip() else None


class ProfileImageInputSerializer(serializers.Serializer):
    """``profile_image``: the file; an empty value removes the current image."""

    profile_image = serializers.FileField(
        allow_empty_file=False,
        allow_null=True,
        max_length=255,
        help_text="The picture (JPEG, PNG, WebP or HEIC, at most "
        f"{megabytes(settings.PROFILE_IMAGE_MAX_BYTES)} MB); an empty value removes the current "
        "one.",
    )


class ProfileImageOutputSerializer(serializers.Serializer):
    """The stored picture."""

    profile_image = serializers.SerializerMethodField(
        help_text="The stored picture, re-encoded as JPEG (absolute URL); null if removed."
    )
    thumbnail = serializers.SerializerMethodField(
        help_text="Its 100x100 JPEG thumbnail (absolute URL); null if removed."
    )

    def get_profile_image(self, profile: Profile) -> str | None:
        return absolute_media_url(self.context["request"], profile.profile_image.name)

    def get_thumbnail(self, profile: Profile) -> str | None:
        return absolute_media_url(self.context["request"], profile.profile_image_thumbnail.name)
