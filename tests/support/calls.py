"""One ready-to-send request per API URL name, so the cost tests exercise every endpoint: the
shared catalogue's reads (tests.support.catalogue, also the benchmark's), and the writes.

``prepare(world)`` does any setup outside the measured request (issuing a refresh token,
a reset token) and returns what to send. tests/performance/test_query_budgets.py fails when a
URL name of the API has no entry here or no budget in hub.api.budgets.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework_simplejwt.tokens import RefreshToken

from tests.support.catalogue import ANONYMOUS_READS, READS, Read
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


def _read(read: Read) -> Callable[[World], Call]:
    return lambda world: Call("get", read.path(world), authenticated=read.authenticated)


# In the order the cost tests send them: writes that change the heavy user come last.
CATALOGUE: dict[str, Callable[[World], Call]] = {
    **{read.name: _read(read) for read in READS},
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
    read.name: _read(read) for read in ANONYMOUS_READS
}
