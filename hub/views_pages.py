"""The few pages Fasthub serves to people rather than to apps.

``/reset-password/`` is where a reset email links by default (``PASSWORD_RESET_URL``): it shows
the code from the link and how to use it. A deployment whose app handles reset links itself
points ``PASSWORD_RESET_URL`` there instead.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

# A real uidb64 is a few characters and a token about 40; anything longer is not one of ours.
MAX_CODE_LENGTH = 128


@require_safe
def password_reset_code(request: HttpRequest) -> HttpResponse:
    uidb64 = request.GET.get("uidb64", "")[:MAX_CODE_LENGTH]
    token = request.GET.get("token", "")[:MAX_CODE_LENGTH]
    response = render(
        request,
        "hub/password_reset_code.html",
        {
            "uidb64": uidb64,
            "token": token,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "confirm_url": request.build_absolute_uri(reverse("password_reset_confirm")),
        },
    )
    # The code is a credential: never cached, never sent on as a referrer.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
