"""One ready-to-send request per API URL name, so the cost tests exercise every endpoint.

``prepare(world)`` does any setup outside the measured request (issuing a refresh token,
a reset token) and returns what to send. tests/performance/test_query_budgets.py fails when a
URL name of the API has no entry here or no budget in hub.api.budgets.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework_simplejwt.tokens import RefreshToken

from tests.support.factories import PASSWORD
from tests.support.images import image_bytes
from tests.support.worlds import World


@dataclass
class Call:
    method: str
    path: str
    data: Any = None
    format: str | None = "json"
    authenticated: bool = True
    expected: int = 200
    extra: dict[str, Any] = field(default_factory=dict)


def _get(name: str, *, authenticated: bool = True, **kwargs: Any) -> Callable[[World], Call]:
    return lambda world: Call(
        "get", reverse(name, kwargs=kwargs or None), authenticated=authenticated
    )


def _fast_get(name: str) -> Callable[[World], Call]:
    return lambda world: Call("get", reverse(name, kwargs={"pk": world.target.pk}))


def _register(world: World) -> Call:
    return Call(
        "post",
        reverse("auth_register"),
        {
            "email": f"newcomer{world.church.pk}@example.org",
            "password": PASSWORD,
            "password2": PASSWORD,
            "profile": {"name": "Newcomer", "church": world.church.pk},
        },
        authenticated=False,
        expected=201,
    )


def _token(world: World) -> Call:
    return Call(
        "post",
        reverse("token_obtain_pair"),
        {"username": world.user.email, "password": PASSWORD},
        authenticated=False,
    )


def _refresh(world: World) -> Call:
    refresh = str(RefreshToken.for_user(world.user))
    return Call("post", reverse("token_refresh"), {"refresh": refresh}, authenticated=False)


def _logout(world: World) -> Call:
    refresh = str(RefreshToken.for_user(world.user))
    return Call(
        "post", reverse("token_logout"), {"refresh": refresh}, authenticated=False, expected=204
    )


def _image(world: World) -> Call:
    upload = SimpleUploadedFile(
        "me.png", image_bytes("PNG", size=(64, 64)), content_type="image/png"
    )
    return Call(
        "put", reverse("profile-image-upload"), {"profile_image": upload}, format="multipart"
    )


def _reset(world: World) -> Call:
    return Call("post", reverse("password_reset"), {"email": world.user.email}, authenticated=False)


def _reset_confirm(world: World) -> Call:
    return Call(
        "post",
        reverse("password_reset_confirm"),
        {
            "uidb64": urlsafe_base64_encode(force_bytes(world.user.pk)),
            "token": default_token_generator.make_token(world.user),
            "new_password": "another-Strong-pass-42",
            "confirm_password": "another-Strong-pass-42",
        },
        authenticated=False,
    )


def _membership(name: str) -> Callable[[World], Call]:
    return lambda world: Call("put", reverse(name), {"fast_id": world.spare.pk})


def _list_anonymous(name: str) -> Callable[[World], Call]:
    return lambda world: Call(
        "get", f"{reverse(name)}?church_id={world.church.pk}", authenticated=False
    )


def _by_date(world: World) -> Call:
    first_day = world.target.first_day
    assert first_day is not None  # the target fast has days
    return Call("get", f"{reverse('fast-by-date')}?date={first_day.isoformat()}")


def _by_feast_date(world: World) -> Call:
    return Call("get", f"{reverse('fast-by-feast-date')}?date={dt.date(2031, 1, 7).isoformat()}")


def _legacy(name: str) -> Callable[[World], Call]:
    def prepare(world: World) -> Call:
        day = world.target.first_day
        return Call("get", f"{reverse(name)}?date={day:%Y%m%d}")

    return prepare


# In the order the cost tests send them: writes that change the heavy user come last.
CATALOGUE: dict[str, Callable[[World], Call]] = {
    "church-list": _get("church-list", authenticated=False),
    "church-detail": lambda w: Call(
        "get", reverse("church-detail", kwargs={"pk": w.church.pk}), authenticated=False
    ),
    "profile-detail": _get("profile-detail"),
    "fast-stats": _get("fast-stats"),
    "fast-list": _get("fast-list"),
    "fast-detail": _fast_get("fast-detail"),
    "fast-by-date": _by_date,
    "fast-by-feast-date": _by_feast_date,
    "fast-participants": _fast_get("fast-participants"),
    "fast-participants-paginated": _fast_get("fast-participants-paginated"),
    "fast-days-list": _fast_get("fast-days-list"),
    "user-days": _get("user-days"),
    "fast_on_date": _legacy("fast_on_date"),
    "fast_on_date_user": _legacy("fast_on_date_user"),
    "api-root": _get("api-root", authenticated=False),
    "health": _get("health", authenticated=False),
    "schema": _get("schema", authenticated=False),
    "swagger-ui": _get("swagger-ui", authenticated=False),
    "api-not-found": lambda w: Call(
        "get", "/api/no-such-endpoint/", authenticated=False, expected=404
    ),
    "fast-join": _membership("fast-join"),
    "leave-fast": _membership("leave-fast"),
    "auth_register": _register,
    "token_obtain_pair": _token,
    "token_refresh": _refresh,
    "token_logout": _logout,
    "password_reset": _reset,
    "profile-image-upload": _image,
    "password_reset_confirm": _reset_confirm,
    "account-delete": lambda w: Call("delete", reverse("account-delete"), expected=204),
}

# Anonymous variants of the church-context reads (they pay the church lookup instead of auth).
ANONYMOUS_VARIANTS: dict[str, Callable[[World], Call]] = {
    "fast-list": _list_anonymous("fast-list"),
    "fast-by-date": _list_anonymous("fast-by-date"),
    "fast_on_date": _list_anonymous("fast_on_date"),
}
