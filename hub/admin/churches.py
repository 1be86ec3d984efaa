"""Churches, each with its number of fasts (one aggregate in the changelist query)."""

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from hub.models import Church


@admin.register(Church)
class ChurchAdmin(admin.ModelAdmin):
    list_display = ("name", "fast_count")
    search_fields = ("name",)
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Church]:
        # One aggregate in the changelist query; only one multi-valued relation is counted, so
        # the join cannot multiply rows.
        return super().get_queryset(request).annotate(fast_count=Count("fasts"))

    @admin.display(description="fasts", ordering="fast_count")
    def fast_count(self, church: Church) -> int:
        return church.fast_count  # type: ignore[attr-defined]
