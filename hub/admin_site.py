"""The staff admin's site: branded for church staff, logging in by email, and rate limited
exactly like ``/api/token/``.

Each login attempt counts against the same two limits and the same counters as the API login (per
client IP, per account; ``hub.api.throttles``) before the password is checked, which costs
about half a second of CPU. Over a limit the form answers 429 with ``Retry-After`` and an
error, without checking the password: the right one does not get in either.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import UsernameField
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from hub.api.throttles import login_attempt_wait


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    throttled_for: float | None = None

    def clean(self) -> dict[str, Any]:
        if self.request is not None:
            wait = login_attempt_wait(request=self.request, login=self.cleaned_data.get("username"))
            if wait is not None:
                self.throttled_for = wait
                raise ValidationError(
                    "Too many login attempts. Try again in %(seconds)d seconds.",
                    code="throttled",
                    params={"seconds": math.ceil(wait)},
                )
        return super().clean()


class StaffLoginForm(ThrottledAdminAuthenticationForm):
    """Staff log in with their email (``hub.auth_backends.EmailBackend`` matches its normal
    form, so case and spacing do not matter)."""

    username = UsernameField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True}),
    )
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter the email and password of a staff account. The password is "
            "case-sensitive."
        ),
    }


class FasthubAdminSite(admin.AdminSite):
    site_header = "Fasthub admin"
    site_title = "Fasthub admin"
    index_title = "Churches, fasts and members"
    # "View site": the API server's own face is its interactive documentation.
    site_url = "/api/docs/"
    login_form = StaffLoginForm

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().login(request, extra_context)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        wait = getattr(form, "throttled_for", None)
        if wait is not None:
            response.status_code = 429
            response["Retry-After"] = str(math.ceil(wait))
        return response
