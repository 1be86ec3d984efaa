"""Fasts with their days: the list, the change page with its day inline, a fast from a date
range (optionally only some weekdays), a copy to new dates keeping the fast's pattern, and the
participants of a fast.

Dates that look like a slip (outside the fast's run, after its culmination feast) and a fast
left without days are saved only once staff confirm them: the page shows the warnings of
``hub.services.fasts.fast_days_review`` and a "Yes, I mean these dates" box whose value names
exactly those warnings.
"""

import datetime as dt
import hashlib
from collections.abc import Collection
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from hub.admin.fast_forms import FastCopyForm, FastFromRangeForm, StaffForm
from hub.limits import MAX_FAST_DAYS
from hub.models import Day, Fast, Profile
from hub.selectors.days import fast_dates
from hub.selectors.participants import participants_for_staff_page
from hub.services.fasts import (
    WEEKDAY_NAMES,
    DayPattern,
    fast_copy,
    fast_create,
    fast_dates_in_range,
    fast_dates_move,
    fast_days_review,
    fast_pattern_detect,
)

PARTICIPANTS_PER_PAGE = 100
CONFIRM_FIELD = "confirm_dates"
CONFIRM_MESSAGE = (
    "Some dates need your confirmation: check the warnings below, then tick “Yes, I mean these "
    "dates” or correct them."
)


def fast_label(fast: Fast) -> str:
    """A fast as staff tell it apart: names repeat across churches (load the church with it)."""
    return f"{fast} · {fast.church.name}"


def confirmation_token(warnings: Collection[str]) -> str:
    """The value of the confirmation box for exactly these warnings ("" when there are none)."""
    if not warnings:
        return ""
    return hashlib.sha256("\n".join(warnings).encode()).hexdigest()[:16]


def _date_span(first: dt.date, last: dt.date) -> str:
    if first == last:
        return f"{first:%b} {first.day}, {first.year}"
    start = f"{first:%b} {first.day}" + (f", {first.year}" if first.year != last.year else "")
    return f"{start} \N{EN DASH} {last:%b} {last.day}, {last.year}"


class DaysFilter(admin.SimpleListFilter):
    title = "days"
    parameter_name = "days"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("none", "no days"), ("some", "with days")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Fast]) -> QuerySet[Fast]:
        if self.value() == "none":
            return queryset.filter(day_count=0)
        if self.value() == "some":
            return queryset.filter(day_count__gt=0)
        return queryset


class DayInlineFormSet(BaseInlineFormSet):
    """The fast's days as they will be after the save, checked before anything is written:
    the year they give the fast must be free for its name and church (the unique (name,
    church, year) constraint), and dates to confirm need the confirmation box."""

    def __init__(
        self,
        *args: Any,
        confirmation: str = "",
        feast_date_before: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.confirmation = confirmation
        self.feast_date_before = feast_date_before
        # The days as stored, read once: the same rows the forms are built on, copied before
        # validation writes the posted dates into them.
        self.dates_before = {day.pk: day.date for day in self.get_queryset()}
        self.date_warnings: list[str] = []

    def dates_after(self) -> list[dt.date]:
        after: dict[Any, dt.date] = dict(self.dates_before)
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None) or {}
            day = data.get("id")
            if self.can_delete and data.get("DELETE"):
                if day is not None:
                    after.pop(day.pk, None)
            elif data.get("date") is not None:
                after[day.pk if day is not None else f"new-{index}"] = data["date"]
        return list(after.values())

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        dates = self.dates_after()
        fast = self.instance
        if dates and fast.church_id is not None:
            year = min(dates).year
            clash = Fast.objects.filter(name=fast.name, church_id=fast.church_id, year=year)
            if fast.pk is not None:
                clash = clash.exclude(pk=fast.pk)
            if clash.exists():
                raise ValidationError(
                    f"These days start the fast in {year}, and its church already has a fast "
                    f'named "{fast.name}" in {year}.'
                )
        review = fast_days_review(
            before=list(self.dates_before.values()),
            after=dates,
            culmination_feast_date=fast.culmination_feast_date,
            feast_date_before=self.feast_date_before,
        )
        self.date_warnings = review.warnings
        if self.date_warnings and self.confirmation != confirmation_token(self.date_warnings):
            raise ValidationError(CONFIRM_MESSAGE)


class DayInline(admin.TabularInline):
    model = Day
    formset = DayInlineFormSet
    # A day's church is always its fast's church (set on save); no per-row church select,
    # which would also cost one query per row to render.
    fields = ("date",)
    ordering = ("date",)
    extra = 1


class FastAutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete over fasts, each named with its church."""

    def serialize_result(self, obj: Any, to_field_name: str) -> dict[str, str]:
        return {"id": str(getattr(obj, to_field_name)), "text": fast_label(obj)}


@admin.register(Fast)
class FastAdmin(admin.ModelAdmin):
    # Narrow columns: at 1280 px, beside the navigation and the filters, the participant count
    # stays in view.
    list_display = ("name", "church_name", "dates", "days", "participants", "feast_date")
    list_select_related = ("church",)
    list_filter = ("church", "year", DaysFilter)
    search_fields = ("name", "culmination_feast")
    ordering = ("-first_day", "name")
    date_hierarchy = "first_day"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "church",
                    "description",
                    "culmination_feast",
                    "culmination_feast_date",
                    "url",
                    "image",
                )
            },
        ),
        (
            "Calendar (follows the days)",
            {"fields": ("year", "first_day", "last_day", "day_count", "participants")},
        ),
    )
    readonly_fields = ("year", "first_day", "last_day", "day_count", "participants")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = (DayInline,)
    actions = ("copy_to_new_dates",)
    change_list_template = "admin/hub/fast/change_list.html"
    change_form_template = "admin/hub/fast/change_form.html"

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "url":  # labelled as on the range and copy forms
            kwargs.update(label="Link", help_text="A page to learn more about the fast.")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Fast]:
        # The church names a fast among same-named ones (lists, autocomplete, titles).
        return super().get_queryset(request).select_related("church")

    # --- List columns (stored values only: no query per row) ---------------------------------
    # Methods rather than the fields themselves, which the admin keeps on one line (nowrap).

    @admin.display(description="church", ordering="church__name")
    def church_name(self, fast: Fast) -> str:
        return fast.church.name

    @admin.display(description="feast", ordering="culmination_feast_date")
    def feast_date(self, fast: Fast) -> str:
        feast = fast.culmination_feast_date
        return f"{feast:%b} {feast.day}, {feast.year}" if feast else "—"

    @admin.display(description="dates", ordering="first_day")
    def dates(self, fast: Fast) -> str:
        if fast.first_day is None or fast.last_day is None:
            return "—"
        return _date_span(fast.first_day, fast.last_day)

    @admin.display(description="days", ordering="day_count")
    def days(self, fast: Fast) -> str:
        if fast.day_count == 0:
            return format_html('<strong class="fast-no-days">{}</strong>', "no days")
        return str(fast.day_count)

    @admin.display(description="participants", ordering="participant_count")
    def participants(self, fast: Fast) -> str:
        if fast.pk is None:
            return "—"
        url = reverse("admin:hub_fast_participants", args=[fast.pk])
        return format_html(
            '<a href="{}" title="{}">{}</a>', url, "Who keeps this fast", fast.participant_count
        )

    # --- Change page: days to confirm --------------------------------------------------------

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Any, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, DayInline):
            kwargs["confirmation"] = request.POST.get(CONFIRM_FIELD, "")
            # Called before the posted form is validated: the fast's feast date as stored.
            kwargs["feast_date_before"] = obj.culmination_feast_date if obj.pk else None
        return kwargs

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        warnings = [
            warning
            for inline in context.get("inline_admin_formsets", [])
            for warning in getattr(inline.formset, "date_warnings", [])
        ]
        context.update(self._review_context(request, warnings))
        return super().render_change_form(request, context, add, change, form_url, obj)

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

    # --- Pages of their own -------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "create-from-range/",
                view(self.create_from_range_view),
                name="hub_fast_create_from_range",
            ),
            path("<int:fast_id>/copy/", view(self.copy_view), name="hub_fast_copy"),
            path(
                "<int:fast_id>/participants/",
                view(self.participants_view),
                name="hub_fast_participants",
            ),
            path(
                "autocomplete/",
                view(FastAutocompleteView.as_view(admin_site=self.admin_site)),
                name="hub_fast_autocomplete",
            ),
            *super().get_urls(),
        ]

    def create_from_range_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FastFromRangeForm(request.POST or None)
        warnings: list[str] = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                dates = fast_dates_in_range(
                    first_date=data["first_date"],
                    last_date=data["last_date"],
                    number_of_days=data["number_of_days"],
                    weekdays=data["weekdays"],
                )
                warnings = fast_days_review(
                    before=(), after=dates, culmination_feast_date=data["culmination_feast_date"]
                ).warnings
                if self._confirmed(form, warnings):
                    fast = fast_create(
                        name=data["name"],
                        church=data["church"],
                        dates=dates,
                        description=data["description"],
                        culmination_feast=data["culmination_feast"],
                        culmination_feast_date=data["culmination_feast_date"],
                        url=data["url"],
                    )
                    self.log_addition(request, fast, "Created from a date range.")
                    return self._created(request, fast)
            except ValidationError as error:
                form.add_service_error(error)
        return self._render_form(
            request,
            form,
            title="Create a fast from a date range",
            intro=(
                f"The fast gets a day on each date of the range, or only on the weekdays you "
                f"tick (a range covers at most {MAX_FAST_DAYS} dates)."
            ),
            warnings=warnings,
            submit="Create",
        )

    def copy_view(self, request: HttpRequest, fast_id: int) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        source = get_object_or_404(Fast.objects.select_related("church"), pk=fast_id)
        source_dates = fast_dates(fast_id=source.pk)
        detected = fast_pattern_detect(dates=source_dates)
        form = FastCopyForm(
            request.POST or None,
            initial={
                "name": source.name,
                "description": source.description,
                "culmination_feast": source.culmination_feast,
                "move_to": "year",
                "year": (source.year or timezone.localdate().year) + 1,
                "pattern": detected.value,
            },
        )
        warnings: list[str] = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                moved = fast_dates_move(
                    dates=source_dates,
                    culmination_feast_date=source.culmination_feast_date,
                    pattern=data["pattern"],
                    **form.target(),  # type: ignore[arg-type]
                )
                feast_date = data["culmination_feast_date"] or moved.culmination_feast_date
                warnings = fast_days_review(
                    before=(), after=moved.dates, culmination_feast_date=feast_date
                ).warnings
                if self._confirmed(form, warnings):
                    fast = fast_copy(
                        fast=source,
                        dates=moved.dates,
                        name=data["name"],
                        description=data["description"],
                        culmination_feast=data["culmination_feast"],
                        culmination_feast_date=feast_date,
                    )
                    self.log_addition(request, fast, f"Copied from fast {source.pk}.")
                    return self._created(request, fast)
            except ValidationError as error:
                form.add_service_error(error)
        return self._render_form(
            request,
            form,
            title=f"Copy “{source}” to new dates",
            intro=self._copy_intro(source, source_dates, detected),
            warnings=warnings,
            submit="Copy",
            source=source,
        )

    def participants_view(self, request: HttpRequest, fast_id: int) -> HttpResponse:
        """Who keeps a fast, by account creation, a page at a time; searchable by name or email.

        Queries after the admin's own (session, user): the fast, then the page (one query,
        ``participants_for_staff_page``); the total is the fast's stored participant count.
        """
        profiles = self.admin_site.get_model_admin(Profile)
        if not (self.has_view_permission(request) and profiles.has_view_permission(request)):
            raise PermissionDenied
        fast = get_object_or_404(Fast.objects.select_related("church"), pk=fast_id)
        search = request.GET.get("q", "").strip()[:100]
        page_param = request.GET.get("p", "1")
        page = int(page_param) if page_param.isdigit() and int(page_param) > 0 else 1
        offset = (page - 1) * PARTICIPANTS_PER_PAGE
        rows = participants_for_staff_page(
            fast_id=fast.pk, search=search, offset=offset, limit=PARTICIPANTS_PER_PAGE + 1
        )
        has_next = len(rows) > PARTICIPANTS_PER_PAGE
        pages = -(-fast.participant_count // PARTICIPANTS_PER_PAGE)

        def page_url(number: int) -> str:
            return "?" + urlencode({"p": number, **({"q": search} if search else {})})

        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Who keeps “{fast}”",
            "fast": fast,
            "search": search,
            "rows": [
                (
                    offset + index + 1,
                    row,
                    reverse("admin:hub_profile_change", args=[row.profile_id]),
                )
                for index, row in enumerate(rows[:PARTICIPANTS_PER_PAGE])
            ],
            "page": page,
            "pages": None if search else pages,
            "previous_url": page_url(page - 1) if page > 1 else None,
            "next_url": page_url(page + 1) if has_next else None,
            "profiles_url": reverse("admin:hub_profile_changelist") + f"?fast={fast.pk}",
        }
        return TemplateResponse(request, "admin/hub/fast/participants.html", context)

    @admin.action(description="Copy the selected fast to new dates")
    def copy_to_new_dates(
        self, request: HttpRequest, queryset: QuerySet[Fast]
    ) -> HttpResponse | None:
        ids = list(queryset.values_list("pk", flat=True)[:2])
        if len(ids) != 1:
            self.message_user(request, "Select exactly one fast to copy.", messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:hub_fast_copy", args=[ids[0]]))

    # --- Helpers -------------------------------------------------------------------------------

    @staticmethod
    def _confirmed(form: StaffForm, warnings: list[str]) -> bool:
        if form.cleaned_data.get(CONFIRM_FIELD) == confirmation_token(warnings):
            return True
        form.add_error(None, CONFIRM_MESSAGE)
        return False

    @staticmethod
    def _review_context(request: HttpRequest, warnings: list[str]) -> dict[str, Any]:
        token = confirmation_token(warnings)
        return {
            "date_warnings": warnings,
            "date_confirmation": token,
            "date_confirmed": bool(token) and request.POST.get(CONFIRM_FIELD) == token,
        }

    @staticmethod
    def _copy_intro(source: Fast, dates: list[dt.date], detected: DayPattern) -> str:
        if not dates:
            return f"“{source}” has no days: there is nothing to copy."
        days = f"{len(dates)} day{'' if len(dates) == 1 else 's'}"
        text = f"“{source}” ({source.church.name}) has {days}, {_date_span(dates[0], dates[-1])}"
        if detected is DayPattern.WEEKDAYS:
            weekdays = sorted({date.weekday() for date in dates})
            names = " and ".join(f"{WEEKDAY_NAMES[day]}s" for day in weekdays)
            text += f", on {names} (a weekly fast)"
        return (
            f"{text}. The copy is in the same church with the same link; its name, "
            "description and feast are yours to change below."
        )

    def _created(self, request: HttpRequest, fast: Fast) -> HttpResponse:
        self.message_user(
            request,
            f"Created “{fast}” with {fast.day_count} days ({fast.first_day} to {fast.last_day}).",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:hub_fast_change", args=[fast.pk]))

    def _render_form(
        self,
        request: HttpRequest,
        form: FastFromRangeForm | FastCopyForm,
        *,
        title: str,
        intro: str,
        warnings: list[str],
        submit: str,
        source: Fast | None = None,
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            **self._review_context(request, warnings),
            "opts": self.opts,
            "title": title,
            "intro": intro,
            # Any form renders this way; the stubs ask for a model form.
            "adminform": AdminForm(form, form.fieldsets, {}),  # type: ignore[arg-type]
            "errors": form.errors,
            "source": source,
            "submit": submit,
        }
        return TemplateResponse(request, "admin/hub/fast/date_range_form.html", context)
