"""The caller's profile (docs/API.md §4.5 Profile) and its image upload."""

from typing import Any

from django.db.models.fields.files import FieldFile
from rest_framework import serializers

from hub.api.serializers.accounts import validate_clean_name
from hub.models import Profile
from hub.validators import validate_timezone

NOTIFICATION_FLAGS = (
    "receive_upcoming_fast_reminders",
    "receive_upcoming_fast_push_notifications",
    "receive_ongoing_fast_push_notifications",
    "receive_daily_fast_push_notifications",
    "include_weekly_fasts_in_notifications",
    "receive_promotional_emails",
)


def absolute_file_url(file: FieldFile | None, context: dict[str, Any]) -> str | None:
    """The file's absolute URL, or None. Builds a string only: no query, no storage call."""
    if not file:
        return None
    url = file.url
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


class ProfileOutputSerializer(serializers.Serializer):
    """Reads only columns of the profile row and its user (loaded with authentication)."""

    user_id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(allow_null=True)
    profile_image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()
    location = serializers.CharField(allow_null=True)
    church = serializers.IntegerField(source="church_id", allow_null=True)
    timezone = serializers.CharField()
    receive_upcoming_fast_reminders = serializers.BooleanField()
    receive_upcoming_fast_push_notifications = serializers.BooleanField()
    receive_ongoing_fast_push_notifications = serializers.BooleanField()
    receive_daily_fast_push_notifications = serializers.BooleanField()
    include_weekly_fasts_in_notifications = serializers.BooleanField()
    receive_promotional_emails = serializers.BooleanField()

    def get_profile_image(self, profile: Profile) -> str | None:
        return absolute_file_url(profile.profile_image, self.context)

    def get_thumbnail(self, profile: Profile) -> str | None:
        return absolute_file_url(profile.profile_image_thumbnail, self.context)


class ProfileUpdateInputSerializer(serializers.Serializer):
    """Any subset of the editable fields (PUT and PATCH alike); read-only fields are ignored."""

    name = serializers.CharField(max_length=64, allow_null=True, allow_blank=True, required=False)
    location = serializers.CharField(
        max_length=100, allow_null=True, allow_blank=True, required=False
    )
    church = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    timezone = serializers.CharField(max_length=64, validators=[validate_timezone], required=False)
    receive_upcoming_fast_reminders = serializers.BooleanField(required=False)
    receive_upcoming_fast_push_notifications = serializers.BooleanField(required=False)
    receive_ongoing_fast_push_notifications = serializers.BooleanField(required=False)
    receive_daily_fast_push_notifications = serializers.BooleanField(required=False)
    include_weekly_fasts_in_notifications = serializers.BooleanField(required=False)
    receive_promotional_emails = serializers.BooleanField(required=False)

    def validate_name(self, value: str | None) -> str | None:
        return validate_clean_name(value.strip() if value else None) or None

    def validate_location(self, value: str | None) -> str | None:
        return value.strip() if value and value.strip() else None


class ProfileImageInputSerializer(serializers.Serializer):
    """``profile_image``: the file; an empty value removes the current image."""

    profile_image = serializers.FileField(allow_empty_file=False, allow_null=True, max_length=255)


class ProfileImageOutputSerializer(serializers.Serializer):
    profile_image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    def get_profile_image(self, profile: Profile) -> str | None:
        return absolute_file_url(profile.profile_image, self.context)

    def get_thumbnail(self, profile: Profile) -> str | None:
        return absolute_file_url(profile.profile_image_thumbnail, self.context)
