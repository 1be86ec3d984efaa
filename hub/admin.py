"""Staff admin for churches, fasts (with their days) and profiles.

Every changelist costs a constant number of queries whatever the number of rows: the numbers
shown are stored columns (``Fast.day_count``, ``participant_count``) or one annotation in the
changelist query, and related rows come through ``list_select_related``.

Stored values (calendar summary, participant count) are read-only here; the database keeps
them following the days and memberships, whoever writes those (migration 0004). Profiles are
made by the database for every new user, so there is no "add profile" page and no profile
inline on the user form.
"""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html_join

from hub.models import Church, Day, Fast, Profile
from hub.services.fasts import MAX_FAST_DAYS, fast_copy_to_dates, fast_create_from_range

STORED_FAST_FIELDS = ("year", "first_day", "last_day", "day_count", "participant_count")


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


class DayInlineFormSet(BaseInlineFormSet):
    """Refuses day edits that would give the fast a year another fast of the same name
    and church already has (the unique (name, church, year) constraint)."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        dates = [
            form.cleaned_data["date"]
            for form in self.forms
            if form.cleaned_data.get("date") and not form.cleaned_data.get("DELETE")
        ]
        fast = self.instance
        if not dates or fast.church_id is None:
            return
        year = min(dates).year
        clash = Fast.objects.filter(name=fast.name, church_id=fast.church_id, year=year)
        if fast.pk is not None:
            clash = clash.exclude(pk=fast.pk)
        if clash.exists():
            raise ValidationError(
                f"These days start the fast in {year}, and its church already has a fast named "
                f'"{fast.name}" in {year}.'
            )


class DayInline(admin.TabularInline):
    model = Day
    formset = DayInlineFormSet
    # A day's church is always its fast's church (set on save); no per-row church select,
    # which would also cost one query per row to render.
    fields = ("date",)
    ordering = ("date",)
    extra = 1


@admin.register(Fast)
class FastAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "church",
        "first_day",
        "last_day",
        "day_count",
        "participant_count",
        "culmination_feast_date",
    )
    list_select_related = ("church",)
    list_filter = ("church", "year")
    search_fields = ("name", "culmination_feast")
    ordering = ("-first_day", "name")
    date_hierarchy = "first_day"
    readonly_fields = STORED_FAST_FIELDS
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (DayInline,)
    actions = ("copy_to_new_dates",)
    change_list_template = "admin/hub/fast/change_list.html"
    change_form_template = "admin/hub/fast/change_form.html"

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Day:
            # The inline has no church field: a day is in its fast's church (the database keeps
            # it so, and refreshes the fast's calendar summary: migration 0004).
            days = formset.save(commit=False)
            for day in formset.deleted_objects:
                day.delete()
            for day in days:
                day.church_id = form.instance.church_id
                day.save()
        else:  # pragma: no cover - Fast has only the day inline
            super().save_formset(request, form, formset, change)

    # --- Creating and copying fasts over a date range ----------------------------------------

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "create-from-range/",
                view(self.create_from_range_view),
                name="hub_fast_create_from_range",
            ),
            path("<int:fast_id>/copy/", view(self.copy_view), name="hub_fast_copy"),
            *super().get_urls(),
        ]

    def create_from_range_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FastFromRangeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                fast = fast_create_from_range(
                    name=data["name"],
                    church=data["church"],
                    first_date=data["first_date"],
                    last_date=data["last_date"],
                    number_of_days=data["number_of_days"],
                    description=data["description"],
                    culmination_feast=data["culmination_feast"],
                    culmination_feast_date=data["culmination_feast_date"],
                    url=data["url"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                self.log_addition(request, fast, "Created from a date range.")
                return self._created(request, fast)
        return self._render_form(request, form, title="Create a fast from a date range")

    def copy_view(self, request: HttpRequest, fast_id: int) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        source = get_object_or_404(Fast.objects.select_related("church"), pk=fast_id)
        form = FastCopyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                fast = fast_copy_to_dates(
                    fast=source,
                    first_date=data["first_date"],
                    last_date=data["last_date"],
                    number_of_days=data["number_of_days"],
                    culmination_feast_date=data["culmination_feast_date"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                self.log_addition(request, fast, f"Copied from fast {source.pk}.")
                return self._created(request, fast)
        return self._render_form(
            request, form, title=f"Copy “{source}” to new dates", source=source
        )

    @admin.action(description="Copy the selected fast to new dates")
    def copy_to_new_dates(
        self, request: HttpRequest, queryset: QuerySet[Fast]
    ) -> HttpResponse | None:
        ids = list(queryset.values_list("pk", flat=True)[:2])
        if len(ids) != 1:
            self.message_user(request, "Select exactly one fast to copy.", messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:hub_fast_copy", args=[ids[0]]))

    def _created(self, request: HttpRequest, fast: Fast) -> HttpResponse:
        self.message_user(
            request,
            f"Created “{fast}” with {fast.day_count} days ({fast.first_day} to {fast.last_day}).",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:hub_fast_change", args=[fast.pk]))

    def _render_form(
        self, request: HttpRequest, form: forms.Form, *, title: str, source: Fast | None = None
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "source": source,
            "max_days": MAX_FAST_DAYS,
        }
        return TemplateResponse(request, "admin/hub/fast/date_range_form.html", context)


class _DateRangeForm(forms.Form):
    first_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    last_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Inclusive. Give the last date or the number of days, not both.",
    )
    number_of_days = forms.IntegerField(required=False, min_value=1, max_value=MAX_FAST_DAYS)
    culmination_feast_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        last_date: dt.date | None = data.get("last_date")
        number_of_days: int | None = data.get("number_of_days")
        if "number_of_days" in self.errors or "last_date" in self.errors:
            return data
        if (last_date is None) == (number_of_days is None):
            raise ValidationError("Give either the last date or the number of days (exactly one).")
        return data

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's error next to the field it names, else at the top of the form."""
        if hasattr(error, "error_dict"):
            for field, field_errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, field_errors)
        else:
            self.add_error(None, error.messages)


class FastFromRangeForm(_DateRangeForm):
    name = forms.CharField(max_length=128)
    church = forms.ModelChoiceField(queryset=Church.objects.order_by("name"))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    culmination_feast = forms.CharField(required=False, max_length=128)
    url = forms.URLField(required=False, max_length=2048, assume_scheme="https")

    field_order = (
        "name",
        "church",
        "first_date",
        "last_date",
        "number_of_days",
        "description",
        "culmination_feast",
        "culmination_feast_date",
        "url",
    )


class FastCopyForm(_DateRangeForm):
    pass


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user_email", "name", "church", "timezone", "joined_fast_count")
    list_select_related = ("user", "church")
    list_filter = ("church",)
    search_fields = ("user__email", "name")
    ordering = ("user__email",)
    exclude = ("fasts",)
    readonly_fields = ("user", "joined_fasts")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Profile]:
        return super().get_queryset(request).annotate(joined_fast_count=Count("memberships"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the database creates a profile for every new user

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # A profile goes with its user (every user has one); deleting the user also releases
        # the memberships' counters. Delete permission itself stays as configured, because the
        # user delete page checks it for the cascaded profile.
        profile = get_object_or_404(Profile, pk=object_id)
        return HttpResponseRedirect(reverse("admin:auth_user_delete", args=[profile.user_id]))

    @admin.display(description="email", ordering="user__email")
    def user_email(self, profile: Profile) -> str:
        return profile.user.email

    @admin.display(description="joined fasts", ordering="joined_fast_count")
    def joined_fast_count(self, profile: Profile) -> int:
        return profile.joined_fast_count  # type: ignore[attr-defined]

    @admin.display(description="joined fasts (read-only; members join through the API)")
    def joined_fasts(self, profile: Profile) -> str:
        fasts = (
            Fast.objects.filter(memberships__profile=profile)
            .select_related("church")
            .order_by("-first_day", "name")
        )
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a> · {}</div>',
                (
                    (reverse("admin:hub_fast_change", args=[fast.pk]), str(fast), fast.church.name)
                    for fast in fasts
                ),
            )
            or "—"
        )
