"""How fasts, days, churches, participants and stats are shown (docs/API.md §4).

Serializers here only format: every value they read is already on the object (stored column,
annotation or ``select_related``), and serializing runs no SQL (a test guards this). The Fast
representation is built by ``fast_data`` directly, because DRF's generic field machinery costs
more than the database query for a list of hundreds of fasts; the declared fields document the
shape for the OpenAPI schema, and a test keeps the two identical.
"""

import datetime as dt
from typing import Any

from django.core.files.storage import default_storage
from rest_framework import serializers
from rest_framework.request import Request

from hub.models import Fast
from hub.selectors.days import DayRow
from hub.selectors.participants import ParticipantRow


def absolute_media_url(request: Request, name: str | None) -> str | None:
    if not name:
        return None
    return request.build_absolute_uri(default_storage.url(name))


def _days(n: int) -> str:
    return "day" if n == 1 else "days"


def countdown_text(fast: Fast, today: dt.date) -> tuple[str, int | None]:
    """(countdown, days_to_feast) exactly as docs/API.md §4.1 words them."""
    if fast.culmination_feast and fast.culmination_feast_date:
        n = (fast.culmination_feast_date - today).days
        if n < 0:
            return f"{fast.culmination_feast} has passed", None
        return (
            f"<span class='days_to_finish'>{n}</span> {_days(n)} until {fast.culmination_feast}",
            n,
        )
    if fast.last_day is None:
        return f"No days available for {fast.name}", None
    n = (fast.last_day - today).days + 1
    if n <= 0:
        return f"{fast.name} has passed", None
    return f"<span class='days_to_finish'>{n}</span> {_days(n)} until the end of {fast.name}", None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def fast_data(fast: Fast, *, request: Request, today: dt.date, joined: bool) -> dict[str, Any]:
    """The Fast representation, keys in contract order. Reads only loaded attributes."""
    countdown, days_to_feast = countdown_text(fast, today)
    church = fast.church
    return {
        "id": fast.pk,
        "name": fast.name,
        "church": {"id": church.pk, "name": church.name},
        "description": fast.description,
        "culmination_feast": fast.culmination_feast,
        "culmination_feast_date": _iso(fast.culmination_feast_date),
        "year": fast.year,
        "image": absolute_media_url(request, fast.image.name),
        "thumbnail": absolute_media_url(request, fast.image_thumbnail.name),
        "url": fast.url,
        "participant_count": fast.participant_count,
        "countdown": countdown,
        "days_to_feast": days_to_feast,
        "start_date": _iso(fast.first_day),
        "end_date": _iso(fast.last_day),
        "joined": joined,
        "has_passed": fast.last_day is not None and fast.last_day < today,
        "next_fast_date": _iso(fast.next_fast_date),  # type: ignore[attr-defined]
        "total_number_of_days": fast.day_count,
        "current_day_number": fast.current_day_number,  # type: ignore[attr-defined]
        "modal_id": f"fastModal_{fast.pk}",
    }


class ChurchSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FastSerializer(serializers.Serializer[Fast]):
    """Documents the Fast shape; ``to_representation`` delegates to ``fast_data``.

    Context: ``request``, ``today`` and ``joined_ids`` (a set of fast ids).
    """

    id = serializers.IntegerField()
    name = serializers.CharField()
    church = ChurchSerializer()
    description = serializers.CharField(allow_null=True)
    culmination_feast = serializers.CharField(allow_null=True)
    culmination_feast_date = serializers.DateField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    image = serializers.URLField(allow_null=True)
    thumbnail = serializers.URLField(allow_null=True)
    url = serializers.URLField(allow_null=True)
    participant_count = serializers.IntegerField()
    countdown = serializers.CharField()
    days_to_feast = serializers.IntegerField(allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    joined = serializers.BooleanField()
    has_passed = serializers.BooleanField()
    next_fast_date = serializers.DateField(allow_null=True)
    total_number_of_days = serializers.IntegerField()
    current_day_number = serializers.IntegerField()
    modal_id = serializers.CharField()

    def to_representation(self, instance: Fast) -> dict[str, Any]:
        joined = getattr(instance, "joined", None)
        if joined is None:
            joined = instance.pk in self.context.get("joined_ids", ())
        return fast_data(
            instance,
            request=self.context["request"],
            today=self.context["today"],
            joined=bool(joined),
        )


NO_FAST_STUB: dict[str, Any] = {
    "name": "",
    "church": {"name": ""},
    "description": "",
    "culmination_feast": "",
    "culmination_feast_date": None,
    "year": None,
    "image": None,
    "url": "",
}


class DaySerializer(serializers.Serializer[DayRow]):
    id = serializers.IntegerField()
    date = serializers.DateField()
    fast = serializers.IntegerField(allow_null=True)
    church = serializers.IntegerField()

    def to_representation(self, instance: DayRow) -> dict[str, Any]:
        return day_data(instance)


def day_data(row: DayRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "date": row.date.isoformat(),
        "fast": row.fast_id,
        "church": row.church_id,
    }


class ParticipantSerializer(serializers.Serializer[ParticipantRow]):
    id = serializers.IntegerField(help_text="Profile id.")
    name = serializers.CharField(allow_null=True)
    profile_image = serializers.URLField(allow_null=True)
    thumbnail = serializers.URLField(allow_null=True)
    location = serializers.CharField(allow_null=True)
    abbreviation = serializers.CharField()
    user = serializers.CharField()

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


class StatsSerializer(serializers.Serializer[Any]):
    joined_fasts = serializers.ListField(child=serializers.IntegerField())
    total_fasts = serializers.IntegerField()
    total_fast_days = serializers.IntegerField()
    completed_fasts = serializers.IntegerField()


class FastMembershipInputSerializer(serializers.Serializer[Any]):
    fast_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
