"""Every error is JSON (API.md §1), whatever raised it."""

import logging
import math
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)
# Seconds a client should wait before retrying when the database is unreachable.
DATABASE_RETRY_AFTER = 5


class BadRequest(exceptions.APIException):
    """A request-level problem: ``400 {"detail": "..."}``."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Bad request."
    default_code = "bad_request"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, OperationalError | InterfaceError):
        # Database unreachable (authentication's user query included): a retryable 503, not a
        # 500 page. The driver's message stays in the server log only.
        logger.error("database unavailable: %s", type(exc).__name__, exc_info=exc)
        unavailable = Response(
            {"detail": "Service temporarily unavailable."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        unavailable["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return unavailable
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.Throttled):
        wait = getattr(exc, "wait", None)
        if wait is not None:
            response["Retry-After"] = str(math.ceil(wait))
    return response


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Unmatched URLs (e.g. ``/api/fasts/abc/``) answer JSON too, never an HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "Internal server error."}, status=500)


def json_bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": "Request body too large."}, status=413)
    return JsonResponse({"detail": "Bad request."}, status=400)


def json_permission_denied(
    request: HttpRequest, exception: Exception | None = None
) -> JsonResponse:
    return JsonResponse(
        {"detail": "You do not have permission to perform this action."}, status=403
    )
