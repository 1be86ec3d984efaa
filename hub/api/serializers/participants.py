"""How a participant is shown (docs/API.md §4.4)."""

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from hub.api.serializers.media import absolute_media_url
from hub.selectors.participants import ParticipantRow


class ParticipantSerializer(serializers.Serializer[ParticipantRow]):
    """Someone who joined the fast."""

    id = serializers.IntegerField(help_text="The participant's profile id.")
    name = serializers.CharField(allow_null=True, help_text="The name they chose; may be null.")
    profile_image = serializers.URLField(
        allow_null=True, help_text="Their picture (absolute URL); null if none."
    )
    thumbnail = serializers.URLField(
        allow_null=True, help_text="A 100x100 JPEG of the picture (absolute URL); null if none."
    )
    location = serializers.CharField(allow_null=True, help_text="Where they are; free text.")
    abbreviation = serializers.CharField(
        help_text="One letter for an avatar: the first of the name, else of the email."
    )
    user = serializers.CharField(help_text="What to show: the name, else the abbreviation.")

    def to_representation(self, instance: ParticipantRow) -> dict[str, Any]:
        return participant_data(instance, request=self.context["request"])


def participant_data(row: ParticipantRow, *, request: Request) -> dict[str, Any]:
    abbreviation = (row.name or row.email or "?")[:1]
    return {
        "id": row.id,
        "name": row.name,
        "profile_image": absolute_media_url(request, row.profile_image),
        "thumbnail": absolute_media_url(request, row.thumbnail),
        "location": row.location,
        "abbreviation": abbreviation,
        "user": row.name or abbreviation,
    }
