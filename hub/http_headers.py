"""Response headers that keep credentials' answers out of caches and pages' scripts our own.

* ``Cache-Control: no-store, private`` on every response to a request that carried
  credentials (an ``Authorization`` header, or an authenticated user, JWT or admin session):
  a browser, proxy or CDN keeps no copy of a user's data. The account endpoints, whose answers
  carry tokens, add it themselves (``hub.api.views.accounts``).
* ``Content-Security-Policy`` (``CONTENT_SECURITY_POLICY``) on every response that has none:
  the admin and the API docs page load scripts only from this server (the docs page's own
  set-up script too: ``SpectacularSwaggerSplitView``), no plugin, no framing. Styles may be
  inline (the admin's and Swagger UI's markup use them); scripts may not. Left off Django's
  DEBUG error page, whose inline script would be blocked.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _carries_credentials(request):
            response_no_store(response)
        policy = settings.CONTENT_SECURITY_POLICY
        debug_page = settings.DEBUG and response.status_code >= 500
        if policy and not debug_page and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def response_no_store(response: HttpResponse) -> None:
    if "no-store" not in response.get("Cache-Control", ""):  # already as strict as it gets
        patch_cache_control(response, no_store=True, private=True)


def _carries_credentials(request: HttpRequest) -> bool:
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)  # set by DRF's authentication, or the admin session
    return bool(user is not None and user.is_authenticated)
