"""Member profiles: who they are (name and email), their church, the fasts they keep.

Profiles are made by the database for every new user, so there is no "add profile" page; a
profile goes with its account, which only superusers delete (``hub.admin.site``).
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import display_for_value
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count, QuerySet
from django.forms import Media
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from hub.admin.fasts import fast_label
from hub.models import Fast, Membership, Profile


class FastKeptFilter(admin.SimpleListFilter):
    """Profiles keeping one fast (``?fast=<id>``), the fast chosen by typing its name.

    A plain ``list_filter`` on the many-to-many field would list every fast ever made; this one
    shows only the chosen fast (one query, and none when no fast is chosen) and finds the others
    through the fasts' autocomplete (``FastAdmin.autocomplete_view``), 20 at a time.
    """

    title = "fast kept"
    parameter_name = "fast"
    template = "admin/hub/profile/fast_kept_filter.html"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        value = self.value()
        if not value:
            return []
        fast = Fast.objects.select_related("church").filter(pk=self._fast_id()).first()
        return [(value, fast_label(fast))] if fast else []

    def has_output(self) -> bool:
        return True  # the search box shows even when no fast is chosen yet

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        members = Membership.objects.filter(fast_id=self._fast_id()).values("profile_id")
        return queryset.filter(pk__in=members)

    def _fast_id(self) -> int:
        value = self.value() or ""
        if not value.isdigit():
            raise IncorrectLookupParameters(f"fast={value!r} is not a fast id")
        return int(value)

    def choices(self, changelist: ChangeList) -> Any:
        # Only "All" and the chosen fast; the template adds the search box.
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "All",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": True,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
                "value": value,
            }


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user_email", "name", "church_name", "timezone", "joined_fast_count")
    list_select_related = ("user", "church")
    list_filter = (FastKeptFilter, "church")
    search_fields = ("user__email", "name")
    ordering = ("user__email",)
    fieldsets = (
        (None, {"fields": ("name", "church", "location", "timezone", "profile_image")}),
        (
            "Account",
            {"fields": ("user_email", "account_active", "account_created", "last_login")},
        ),
        ("Fasts", {"fields": ("joined_fasts",)}),
        (
            "Notifications",
            {"fields": Profile.NOTIFICATION_FLAGS},
        ),
    )
    readonly_fields = (
        "user_email",
        "account_active",
        "account_created",
        "last_login",
        "joined_fasts",
    )

    @property
    def media(self) -> Media:
        # The fast filter's search box is the admin's own select2 autocomplete.
        autocomplete = AutocompleteSelect(Profile._meta.get_field("fasts"), self.admin_site)
        return (
            super().media
            + autocomplete.media
            + Media(
                js=["admin/hub/fast_kept_filter.js"],
                css={"all": ["admin/hub/fast_kept_filter.css"]},
            )
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Profile]:
        # The user comes along everywhere: a profile is named by its email (Profile.__str__).
        return (
            super()
            .get_queryset(request)
            .select_related("user", "church")
            .annotate(joined_fast_count=Count("memberships"))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the database creates a profile for every new user

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a profile is deleting its account: superusers only (the account page checks
        # this permission for the cascaded profile, so it stays as configured for them).
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # A profile goes with its user (every user has one); deleting the user also releases
        # the memberships' counters.
        profile = get_object_or_404(Profile, pk=object_id)
        return HttpResponseRedirect(reverse("admin:auth_user_delete", args=[profile.user_id]))

    @admin.display(description="email", ordering="user__email")
    def user_email(self, profile: Profile) -> str:
        return profile.user.email

    @admin.display(description="church", ordering="church__name")
    def church_name(self, profile: Profile) -> str:
        # A method, not the field, which the admin keeps on one line (too wide at 1280 px).
        return profile.church.name if profile.church else "—"

    @admin.display(description="active", boolean=True)
    def account_active(self, profile: Profile) -> bool:
        return profile.user.is_active

    @admin.display(description="account created")
    def account_created(self, profile: Profile) -> str:
        return display_for_value(profile.user.date_joined, "")

    @admin.display(description="last login")
    def last_login(self, profile: Profile) -> str:
        return display_for_value(profile.user.last_login, "never")

    @admin.display(description="joined fasts", ordering="joined_fast_count")
    def joined_fast_count(self, profile: Profile) -> int:
        return profile.joined_fast_count  # type: ignore[attr-defined]

    @admin.display(description="fasts kept")
    def joined_fasts(self, profile: Profile) -> str:
        fasts = (
            Fast.objects.filter(memberships__profile=profile)
            .select_related("church")
            .order_by("-first_day", "name")
        )
        listed = format_html_join(
            "",
            '<div><a href="{}">{}</a></div>',
            (
                (reverse("admin:hub_fast_change", args=[fast.pk]), fast_label(fast))
                for fast in fasts
            ),
        )
        note = format_html(
            '<div class="help">{}</div>', "Members join and leave fasts themselves, in the app."
        )
        return format_html("{}{}", listed or "none", note)
