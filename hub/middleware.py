"""Browser-session middleware that only runs for the staff admin.

The API authenticates every request with a bearer token and never reads a session, a CSRF
cookie or a flash message; only the admin (a browser with a session cookie) does. These
subclasses of Django's middleware do their work for ``/admin/`` requests and step aside for
everything else, so an API request pays nothing for them. Django's admin checks accept them as
the middleware they extend.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.checks import CheckMessage, Error, Tags, register
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware

ADMIN_PREFIX = "/admin/"
CSRF_MIDDLEWARE = "hub.middleware.AdminCsrfViewMiddleware"


def is_browser_session(request: HttpRequest) -> bool:
    return request.path_info.startswith(ADMIN_PREFIX)


class AdminSessionMiddleware(SessionMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if is_browser_session(request):
            super().process_request(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not hasattr(request, "session"):
            return response
        return super().process_response(request, response)


class AdminCsrfViewMiddleware(CsrfViewMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if is_browser_session(request):
            super().process_request(request)

    def process_view(
        self, request: HttpRequest, callback: Any, callback_args: Any, callback_kwargs: Any
    ) -> HttpResponseForbidden | None:
        if not is_browser_session(request):
            return None
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_browser_session(request):
            return response
        return super().process_response(request, response)


class AdminAuthenticationMiddleware(AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if is_browser_session(request):
            super().process_request(request)


class AdminMessageMiddleware(MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        if is_browser_session(request):
            super().process_request(request)


@register(Tags.security, deploy=True)
def admin_csrf_protection_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Stands in for Django's security.W003 (silenced: it looks for its own class by name)."""
    if CSRF_MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [
        Error(
            f"{CSRF_MIDDLEWARE} is not in MIDDLEWARE: the admin's forms would have no CSRF "
            "protection.",
            id="hub.E001",
        )
    ]
