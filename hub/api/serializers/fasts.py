"""How a fast is shown (docs/API.md §4.1), and the bodies of joining and leaving.

Serializers here only format: every value they read is already on the object (stored column,
annotation or ``select_related``), and serializing runs no SQL (a test guards this). The Fast
representation is built by ``fast_data`` directly, because DRF's generic field machinery costs
more than the database query for a list of hundreds of fasts; the declared fields document the
shape for the OpenAPI schema, and a test keeps the two identical.
"""

import datetime as dt
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from hub.api.serializers.churches import ChurchSerializer
from hub.api.serializers.media import absolute_media_url
from hub.limits import MAX_ID
from hub.models import Fast


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


class FastMembershipInputSerializer(serializers.Serializer[Any]):
    fast_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of the fast to join or leave."
    )


class LeftSerializer(serializers.Serializer[Any]):
    """Left the fast."""

    detail = serializers.CharField(help_text="Always `Successfully left the fast.`")
