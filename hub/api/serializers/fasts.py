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

from hub.api.converters import MAX_ID
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
    id = serializers.IntegerField(help_text="The church's id.")
    name = serializers.CharField(help_text="The church's name.")


class FastSerializer(serializers.Serializer[Fast]):
    """A fast of a church, with the countdowns and day numbers of "today" (docs/API.md §4)."""

    # The declared fields are the shape and its documentation; ``fast_data`` fills them.
    id = serializers.IntegerField(help_text="The fast's id.")
    name = serializers.CharField(help_text="The fast's name, e.g. Great Lent.")
    church = ChurchSerializer(help_text="The church that keeps the fast.")
    description = serializers.CharField(allow_null=True, help_text="What the fast is; free text.")
    culmination_feast = serializers.CharField(
        allow_null=True, help_text="The feast the fast leads to, e.g. Easter; null if none."
    )
    culmination_feast_date = serializers.DateField(
        allow_null=True, help_text="The date of that feast (YYYY-MM-DD); null if none."
    )
    year = serializers.IntegerField(
        allow_null=True, help_text="The year of the fast's first day; null while it has no days."
    )
    image = serializers.URLField(allow_null=True, help_text="The fast's image (absolute URL).")
    thumbnail = serializers.URLField(
        allow_null=True, help_text="An 800 px wide JPEG of the image (absolute URL)."
    )
    url = serializers.URLField(allow_null=True, help_text="A link to learn more about the fast.")
    participant_count = serializers.IntegerField(help_text="How many people joined the fast.")
    countdown = serializers.CharField(
        help_text="A ready-to-show countdown to the feast, or to the fast's end when it has no "
        "feast: `<span class='days_to_finish'>N</span> days until Easter`, "
        "`... days until the end of Great Lent`, `Easter has passed`, `Great Lent has passed`, "
        "`No days available for Great Lent` (`day` when N is 1)."
    )
    days_to_feast = serializers.IntegerField(
        allow_null=True,
        help_text="Days from today to the culmination feast; null when the feast has passed "
        "or the fast has none.",
    )
    start_date = serializers.DateField(
        allow_null=True, help_text="The fast's first day; null while it has no days."
    )
    end_date = serializers.DateField(
        allow_null=True, help_text="The fast's last day; null while it has no days."
    )
    joined = serializers.BooleanField(
        help_text="Whether the caller joined the fast; always false for anonymous callers."
    )
    has_passed = serializers.BooleanField(help_text="Whether the fast's last day is before today.")
    next_fast_date = serializers.DateField(
        allow_null=True,
        help_text="The fast's first day on or after today; null when none is left.",
    )
    total_number_of_days = serializers.IntegerField(help_text="How many days the fast has.")
    current_day_number = serializers.IntegerField(
        help_text="How many of the fast's days are on or before today (on `/api/fasts/by-date/`: "
        "on or before the date asked about); 0 before the fast starts."
    )
    modal_id = serializers.CharField(help_text="`fastModal_<id>`, for web clients' dialogs.")

    def to_representation(self, instance: Fast) -> dict[str, Any]:
        return fast_data(
            instance,
            request=self.context["request"],
            today=self.context["today"],
            joined=bool(getattr(instance, "joined", False)),
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
    """One day of a fast."""

    id = serializers.IntegerField(help_text="The day's id.")
    date = serializers.DateField(help_text="The date (YYYY-MM-DD).")
    fast = serializers.IntegerField(allow_null=True, help_text="The id of the day's fast.")
    church = serializers.IntegerField(help_text="The id of the church whose calendar it is in.")

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


class StatsSerializer(serializers.Serializer[Any]):
    """The caller's totals, as of today in their time zone."""

    joined_fasts = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the fasts the caller joined, ascending."
    )
    total_fasts = serializers.IntegerField(help_text="How many fasts the caller joined.")
    total_fast_days = serializers.IntegerField(
        help_text="Days of the joined fasts dated today or earlier."
    )
    completed_fasts = serializers.IntegerField(
        help_text="Joined fasts whose last day is before today."
    )


class FastMembershipInputSerializer(serializers.Serializer[Any]):
    fast_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of the fast to join or leave."
    )


class LeftSerializer(serializers.Serializer[Any]):
    """Left the fast."""

    detail = serializers.CharField(help_text="Always `Successfully left the fast.`")
