"""The forms of the fast pages that are not model forms: a fast from a date range, a copy of a
fast to new dates. They only parse; ``hub.services.fasts`` makes the dates and the fast."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError

from hub.limits import MAX_FAST_DAYS
from hub.models import Church
from hub.services.fasts import WEEKDAY_NAMES, DayPattern

DATE_INPUT = forms.DateInput(attrs={"type": "date"})
# The admin's own widgets, so these forms look like its change forms.
TEXT_INPUT = widgets.AdminTextInputWidget
TEXTAREA = widgets.AdminTextareaWidget(attrs={"rows": 3})


Fieldsets = list[tuple[str | None, dict[str, list[str]]]]


class StaffForm(forms.Form):
    # As a model admin's fieldsets: rendered by the admin's own fieldset template, which lines
    # the labels up and marks required fields.
    fieldsets: Fieldsets = []
    # Ticked in the date review box (hub/templates/admin/hub/fast/date_review.html); its value
    # names the warnings it confirms, so it cannot confirm dates it was not shown.
    confirm_dates = forms.CharField(required=False, widget=forms.HiddenInput)

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's error next to the field it names, else at the top of the form."""
        if hasattr(error, "error_dict"):
            for field, field_errors in error.message_dict.items():
                self.add_error(field if field in self.fields else None, field_errors)
        else:
            self.add_error(None, error.messages)


class FastFromRangeForm(StaffForm):
    name = forms.CharField(max_length=128, widget=TEXT_INPUT)
    church = forms.ModelChoiceField(queryset=Church.objects.order_by("name"))
    description = forms.CharField(required=False, widget=TEXTAREA)
    culmination_feast = forms.CharField(required=False, max_length=128, widget=TEXT_INPUT)
    culmination_feast_date = forms.DateField(required=False, widget=DATE_INPUT)
    url = forms.URLField(
        required=False,
        max_length=2048,
        assume_scheme="https",
        label="Link",
        widget=widgets.AdminURLFieldWidget,
    )
    first_date = forms.DateField(widget=DATE_INPUT)
    last_date = forms.DateField(
        required=False,
        widget=DATE_INPUT,
        help_text="Inclusive. Give the last date or the number of days, not both.",
    )
    number_of_days = forms.IntegerField(
        required=False,
        widget=widgets.AdminIntegerFieldWidget,
        min_value=1,
        max_value=MAX_FAST_DAYS,
        help_text="Calendar days from the first date, the first included.",
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Only on",
        help_text=(
            "Leave all unticked for a day on every date of the range; tick Wednesday and "
            "Friday for the weekly fasts."
        ),
    )

    fieldsets: Fieldsets = [
        (None, {"fields": ["name", "church", "description", "url"]}),
        ("Days", {"fields": ["first_date", "last_date", "number_of_days", "weekdays"]}),
        ("Culmination", {"fields": ["culmination_feast", "culmination_feast_date"]}),
    ]


MOVE_TO_YEAR = "year"
MOVE_TO_FIRST_DATE = "first_date"

PATTERN_CHOICES = [
    (DayPattern.OFFSETS.value, "the same days, counted from the first day"),
    (DayPattern.WEEKDAYS.value, "the same weekdays"),
]


class FastCopyForm(StaffForm):
    name = forms.CharField(max_length=128, widget=TEXT_INPUT)
    description = forms.CharField(required=False, widget=TEXTAREA)
    culmination_feast = forms.CharField(required=False, max_length=128, widget=TEXT_INPUT)
    culmination_feast_date = forms.DateField(
        required=False,
        widget=DATE_INPUT,
        help_text="Leave empty to move the source's feast date along with its days.",
    )
    move_to = forms.ChoiceField(
        choices=[(MOVE_TO_YEAR, "a new year"), (MOVE_TO_FIRST_DATE, "a new first date")],
        widget=forms.RadioSelect,
        label="Copy to",
    )
    year = forms.IntegerField(
        required=False,
        widget=widgets.AdminIntegerFieldWidget,
        min_value=1,
        max_value=9998,
        help_text="The same calendar dates in that year.",
    )
    first_date = forms.DateField(
        required=False, widget=DATE_INPUT, help_text="The copy starts on this date."
    )
    pattern = forms.TypedChoiceField(
        choices=PATTERN_CHOICES,
        coerce=DayPattern,
        widget=forms.RadioSelect,
        label="Keep",
        help_text=(
            "The same days suit a seasonal fast: each day keeps its distance from the first "
            "day. The same weekdays suit a weekly fast: every Wednesday and Friday (say) from "
            "the new first to the new last day; remove its fast-free weeks again afterwards."
        ),
    )

    fieldsets: Fieldsets = [
        (None, {"fields": ["name", "description"]}),
        ("Dates", {"fields": ["move_to", "year", "first_date", "pattern"]}),
        ("Culmination", {"fields": ["culmination_feast", "culmination_feast_date"]}),
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        required = {
            MOVE_TO_YEAR: ("year", "Give the year to copy the fast to."),
            MOVE_TO_FIRST_DATE: ("first_date", "Give the date the copy starts on."),
        }
        field, message = required.get(data.get("move_to", ""), ("", ""))
        if field and data.get(field) is None and field not in self.errors:
            self.add_error(field, message)
        return data

    def target(self) -> dict[str, dt.date | int | None]:
        """The ``first_date`` or ``year`` argument of ``fast_dates_move``, as chosen."""
        data = self.cleaned_data
        if data["move_to"] == MOVE_TO_YEAR:
            return {"year": data["year"]}
        return {"first_date": data["first_date"]}
