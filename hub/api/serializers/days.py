"""How a day is shown (docs/API.md §4.3)."""

from typing import Any

from rest_framework import serializers

from hub.selectors.days import DayRow


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
