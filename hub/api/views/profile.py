"""The caller's own profile and profile image.

Reading costs one query in all: authentication loads the user with its profile and church, and
the response is formatted from those objects. An edit adds a church existence check (when a
church is sent) and one UPDATE.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api.schema import (
    INVALID_BODY,
    THROTTLED,
    UNAUTHENTICATED,
    UNSUPPORTED_MEDIA,
    error_response,
    examples_for,
)
from hub.api.serializers.profile import (
    ProfileImageInputSerializer,
    ProfileImageOutputSerializer,
    ProfileOutputSerializer,
    ProfileUpdateInputSerializer,
)
from hub.api.throttles import ImageUploadThrottle
from hub.limits import image_too_large_message
from hub.models import Profile
from hub.services import accounts, images

TAG = "profile"
_400 = INVALID_BODY
_401 = UNAUTHENTICATED
_413 = error_response(image_too_large_message())
_415 = UNSUPPORTED_MEDIA
_429 = THROTTLED
# Multipart framing (boundaries, part headers) on top of the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."
    default_code = "payload_too_large"


def _caller_profile(request: Request) -> Profile:
    return request.user.profile  # type: ignore[union-attr]


class ProfileApi(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=[TAG],
        summary="The caller's profile",
        responses={200: ProfileOutputSerializer, 401: _401},
        examples=examples_for("profile-detail"),
    )
    def get(self, request: Request) -> Response:
        profile = _caller_profile(request)
        return Response(ProfileOutputSerializer(profile, context={"request": request}).data)

    @extend_schema(
        tags=[TAG],
        request=ProfileUpdateInputSerializer,
        responses={200: ProfileOutputSerializer, 400: _400, 401: _401, 415: _415},
        description="Change any subset of the editable fields. `church` is an id or null "
        "(unknown id: 400); `timezone` an IANA name.",
    )
    def put(self, request: Request) -> Response:
        return self._update(request)

    @extend_schema(
        tags=[TAG],
        request=ProfileUpdateInputSerializer,
        responses={200: ProfileOutputSerializer, 400: _400, 401: _401, 415: _415},
        description="Same as PUT: any subset of the editable fields.",
    )
    def patch(self, request: Request) -> Response:
        return self._update(request)

    def _update(self, request: Request) -> Response:
        serializer = ProfileUpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        profile = accounts.profile_update(
            profile=_caller_profile(request), data=dict(serializer.validated_data)
        )
        return Response(ProfileOutputSerializer(profile, context={"request": request}).data)


_IMAGE_RESPONSES = {
    200: ProfileImageOutputSerializer,
    400: error_response("Not an accepted image (JPEG, PNG, WebP, HEIC).", fields=True),
    401: _401,
    413: _413,
    415: _415,
    429: _429,
}


class ProfileImageApi(APIView):
    permission_classes = (IsAuthenticated,)
    parser_classes = (MultiPartParser, FormParser)
    throttle_classes = (ImageUploadThrottle,)

    @extend_schema(
        tags=[TAG],
        request={"multipart/form-data": ProfileImageInputSerializer},
        responses=_IMAGE_RESPONSES,
        description="Upload `profile_image` (multipart). The image is re-encoded as JPEG "
        "without metadata, turned upright, and given a 100x100 thumbnail. An empty "
        "`profile_image` value removes the current image. Uploads per user are limited "
        "(`THROTTLE_IMAGE_UPLOAD`, 10 an hour).",
    )
    def put(self, request: Request) -> Response:
        return self._upload(request)

    @extend_schema(
        tags=[TAG],
        request={"multipart/form-data": ProfileImageInputSerializer},
        responses=_IMAGE_RESPONSES,
        description="Same as PUT.",
    )
    def patch(self, request: Request) -> Response:
        return self._upload(request)

    def _upload(self, request: Request) -> Response:
        max_bytes: int = settings.PROFILE_IMAGE_MAX_BYTES
        try:
            declared_length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared_length = 0
        if declared_length > max_bytes + MULTIPART_OVERHEAD_BYTES:
            # Refuse before reading the body at all.
            raise PayloadTooLarge(image_too_large_message())
        if "profile_image" not in request.data:
            raise exceptions.ValidationError({"profile_image": ["No file was submitted."]})
        raw = request.data.get("profile_image")
        upload = None if raw in ("", None) else raw
        if upload is not None and not hasattr(upload, "read"):
            raise exceptions.ValidationError(
                {"profile_image": ["The submitted data was not a file."]}
            )
        try:
            profile = accounts.profile_image_replace(
                profile=_caller_profile(request), upload=upload
            )
        except images.ImageTooLarge as exc:
            raise PayloadTooLarge(image_too_large_message()) from exc
        except images.ImageInvalid as exc:
            raise exceptions.ValidationError({"profile_image": [str(exc)]}) from exc
        except accounts.ProfileGone as exc:
            # The account was deleted while this upload was decoded; its files are removed.
            raise exceptions.AuthenticationFailed(str(exc), code="user_not_found") from exc
        return Response(ProfileImageOutputSerializer(profile, context={"request": request}).data)
