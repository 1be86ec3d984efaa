"""How a church is shown (docs/API.md §4.2)."""

from typing import Any

from rest_framework import serializers


class ChurchSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The church's id.")
    name = serializers.CharField(help_text="The church's name.")
