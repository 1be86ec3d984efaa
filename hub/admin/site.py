"""Who sees what in the admin: church data first (the site itself, branded and logging in by
email, is ``hub.admin_site``).

Accounts, groups and the token blacklist are plumbing: only superusers see them. Staff who are
not superusers see the church calendar (churches, fasts, profiles) as their model permissions
allow; about a member's account they see, read-only on the profile page, its email, whether it
is active, when it was created and when it last logged in. They can neither edit nor delete
accounts: whoever may change an account's email or staff flags may take it over (a password
reset goes to the email), so that stays with superusers.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest
from rest_framework_simplejwt.token_blacklist.admin import (
    BlacklistedTokenAdmin,
    OutstandingTokenAdmin,
)
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken


class SuperusersOnly(admin.ModelAdmin):
    """Shown to, and usable by, superusers only, whatever model permissions staff hold."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


for model in (User, Group, OutstandingToken, BlacklistedToken):
    admin.site.unregister(model)


@admin.register(User)
class AccountAdmin(SuperusersOnly, UserAdmin):
    pass


@admin.register(Group)
class SuperuserGroupAdmin(SuperusersOnly, GroupAdmin):
    pass


@admin.register(OutstandingToken)
class SuperuserOutstandingTokenAdmin(SuperusersOnly, OutstandingTokenAdmin):
    pass


@admin.register(BlacklistedToken)
class SuperuserBlacklistedTokenAdmin(SuperusersOnly, BlacklistedTokenAdmin):
    pass
