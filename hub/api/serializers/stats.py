"""How the caller's totals are shown (docs/API.md §4.6)."""

from typing import Any

from rest_framework import serializers


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
