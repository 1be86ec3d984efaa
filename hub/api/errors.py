"""Every error is JSON (docs/API.md §1.6), whatever raised it: one place shapes them all.

* DRF views: ``exception_handler`` (field problems ``{"field": [...]}``; everything else
  ``{"detail": "...", "code": "..."}`` with a stable machine-readable ``code``);
* Django's own handlers (``handler400/403/404/500`` in ``config.urls``) and its CSRF failure
  view (``CSRF_FAILURE_VIEW``): the same ``{"detail", "code"}`` shape;
* unknown URLs (``not_found``, also the catch-all route): a GET or HEAD of a URL that lacks
  only its trailing slash is redirected (308) to it; any other method is told the right URL.

Database trouble is named for what it is: a deadlock or serialization failure that survived
its retry (``hub.services.transactions``) or an integrity error from a race is a 409 the client
may retry; an unreachable database is a 503 with ``Retry-After``.
"""

import logging
import math
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hub.services.transactions import WriteConflict, is_write_conflict

logger = logging.getLogger(__name__)
# Seconds a client should wait before retrying when the database is unreachable or busy.
DATABASE_RETRY_AFTER = 5
CONFLICT_RETRY_AFTER = 1
# URL names of the catch-all routes (never a real endpoint to redirect to).
CATCH_ALL_NAMES = frozenset({"api-not-found", "not-found"})


class BadRequest(exceptions.APIException):
    """A request-level problem: ``400 {"detail": "...", "code": "..."}``."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Bad request."
    default_code = "bad_request"


def error_body(detail: str, code: str) -> dict[str, str]:
    return {"detail": detail, "code": code}


# --- DRF views -----------------------------------------------------------------------------------


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, WriteConflict) or is_write_conflict(exc) or isinstance(exc, IntegrityError):
        # A concurrent writer won (twice, for a retried deadlock): nothing is wrong with the
        # request or the service, and the same request may simply be sent again.
        logger.warning("write conflict: %s", type(exc.__cause__ or exc).__name__, exc_info=exc)
        conflict = Response(
            error_body(
                "A concurrent change to the same data got there first; send the request again.",
                "write_conflict",
            ),
            status=status.HTTP_409_CONFLICT,
        )
        conflict["Retry-After"] = str(CONFLICT_RETRY_AFTER)
        return conflict
    if isinstance(exc, OperationalError | InterfaceError):
        # Database unreachable (authentication's user query included): a retryable 503, not a
        # 500 page. The driver's message stays in the server log only.
        logger.error("database unavailable: %s", type(exc).__name__, exc_info=exc)
        unavailable = Response(
            error_body("Service temporarily unavailable.", "database_unavailable"),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        unavailable["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return unavailable
    if isinstance(exc, RequestDataTooBig):
        # Django reports it as a "suspicious operation" (an HTML page in DEBUG); it is a 413.
        return Response(
            error_body("Request body too large.", "payload_too_large"),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(response.data, dict) and isinstance(response.data.get("detail"), str):
        codes = exc.get_codes()
        response.data.setdefault("code", codes if isinstance(codes, str) else exc.default_code)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        response["Retry-After"] = str(math.ceil(wait))
    return response


# --- Django's own handlers ----------------------------------------------------------------------


class HttpResponsePermanentRedirectKeepMethod(HttpResponseRedirect):
    """308: the client repeats the same request at the new URL."""

    status_code = 308


def _slashed_route(request: HttpRequest) -> str | None:
    """The URL with a trailing slash, when that (and only that) names a real endpoint."""
    path = request.path_info
    if path.endswith("/"):
        return None
    try:
        match = resolve(f"{path}/")
    except Resolver404:
        return None
    if match.url_name in CATCH_ALL_NAMES:
        return None
    return f"{request.path}/"


@csrf_exempt
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Unknown URLs answer JSON, even with DEBUG on; a missing trailing slash is named."""
    slashed = _slashed_route(request)
    if slashed is None:
        return JsonResponse(error_body("Not found.", "not_found"), status=404)
    if request.method in ("GET", "HEAD"):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirectKeepMethod(f"{slashed}?{query}" if query else slashed)
    return JsonResponse(
        error_body(
            f"Not found: {request.path} has no trailing slash. Send the request to {slashed}",
            "trailing_slash_required",
        ),
        status=404,
    )


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(error_body("Internal server error.", "server_error"), status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(error_body("Request body too large.", "payload_too_large"), status=413)
    return JsonResponse(error_body("Bad request.", "bad_request"), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(
        error_body("You do not have permission to perform this action.", "permission_denied"),
        status=403,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """JSON for API clients; the staff admin, a browser form, keeps Django's explanatory page.

    The JSON API never needs a CSRF token (it authenticates with bearer tokens); a CSRF
    failure there means a cookie-authenticated form post, which the API does not take.
    """
    if request.path_info.startswith("/admin/"):
        return django_csrf_failure(request, reason=reason)
    return JsonResponse(
        error_body(f"CSRF verification failed: {reason}", "csrf_failed"), status=403
    )
