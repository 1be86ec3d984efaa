"""Fast endpoints: list, detail, by date, by feast date, join, leave, stats.

Views parse input, call one selector or service, and format. Query cost per request (with
JWT authentication, which loads user + profile + church in one query) is in hub.api.budgets.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api.errors import BadRequest
from hub.api.pagination import page_envelope, page_param
from hub.api.params import caller_profile, church_context, iso_date_param, request_today
from hub.api.schema import (
    BAD_REQUEST,
    CHURCH_PARAM,
    INVALID_BODY,
    JOINED,
    NOT_FOUND,
    PAGE_NOT_FOUND,
    PAGE_PARAM,
    TZ_PARAM,
    UNAUTHENTICATED,
    UNSUPPORTED_MEDIA,
    WRITE_CONFLICT,
    examples_for,
    id_param,
    page_of,
)
from hub.api.serializers.fasts import (
    FastMembershipInputSerializer,
    FastSerializer,
    LeftSerializer,
    fast_data,
)
from hub.api.serializers.stats import StatsSerializer
from hub.caching import FAST_DETAIL, FAST_LIST, JOINED_FASTS, STATS
from hub.limits import MAX_RANGE_DAYS, PAGE_SIZE
from hub.models import Fast, Profile
from hub.selectors.fasts import (
    fast_detail,
    fast_list_for_church,
    fasts_by_feast_date_page,
    fasts_on_date_page,
    joined_fast_ids,
)
from hub.selectors.stats import profile_stats
from hub.services.memberships import (
    AlreadyJoined,
    FastNotFound,
    MembershipError,
    NotJoined,
    fast_join,
    fast_leave,
)


def joined_ids_of(profile: Profile | None) -> frozenset[int]:
    """The caller's joined fast ids, cached under the profile's own version key."""
    if profile is None:
        return frozenset()
    return frozenset(
        JOINED_FASTS.get_or_compute(lambda: joined_fast_ids(profile_id=profile.pk), owner=profile)
    )


class FastListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            CHURCH_PARAM,
            OpenApiParameter(
                "start_date",
                OpenApiTypes.DATE,
                description="First date of the range, YYYY-MM-DD (default: today - 180 days).",
            ),
            OpenApiParameter(
                "end_date",
                OpenApiTypes.DATE,
                description="Last date of the range, inclusive (default: today + 180 days); at "
                f"most {MAX_RANGE_DAYS} days after start_date.",
            ),
            TZ_PARAM,
        ],
        responses={200: FastSerializer(many=True), 400: BAD_REQUEST},
        summary="Fasts of the church with a day in the date range, by start date",
        description="Every fast of the church (the caller's, or `church_id` for anonymous "
        "callers) that has at least one day in the range, ordered by first day. Each fast's "
        "fields count all of its days and participants, not only those in the range.",
        examples=examples_for("fast-list"),
    )
    def get(self, request: Request) -> Response:
        today = request_today(request)
        church = church_context(request)
        start = iso_date_param(request, "start_date", today - dt.timedelta(days=180))
        end = iso_date_param(request, "end_date", today + dt.timedelta(days=180))
        if end < start:
            raise BadRequest("end_date must not be before start_date.", code="invalid_date_range")
        if (end - start).days > MAX_RANGE_DAYS:
            raise BadRequest(
                f"The date range may span at most {MAX_RANGE_DAYS} days.",
                code="date_range_too_long",
            )

        def build() -> list[dict[str, Any]]:
            fasts = fast_list_for_church(church_id=church.pk, start=start, end=end, today=today)
            return [fast_data(f, request=request, today=today, joined=False) for f in fasts]

        parts = (start, end, today, request.build_absolute_uri("/"))
        shared = FAST_LIST.get_or_compute(build, owner=church, parts=parts)
        joined = joined_ids_of(caller_profile(request)) if shared else frozenset()
        return Response([{**item, "joined": item["id"] in joined} for item in shared])


class FastDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[id_param("fast"), TZ_PARAM],
        responses={200: FastSerializer, 400: BAD_REQUEST, 404: NOT_FOUND},
        summary="One fast",
        description="Any church's fast, by id. `joined` tells whether the caller joined it.",
        examples=examples_for("fast-detail"),
    )
    def get(self, request: Request, pk: int) -> Response:
        # A fast of the caller's own church is cached under that church's version (hub.caching):
        # warm, this is authentication plus two cache reads. Other fasts, and anonymous callers,
        # read the database.
        today = request_today(request)
        profile = caller_profile(request)
        church = profile.church if profile else None
        parts = (pk, today, request.build_absolute_uri("/"))
        if profile is not None and church is not None:
            shared = FAST_DETAIL.get(owner=church, parts=parts)
            if shared is not None:
                return Response({**shared, "joined": pk in joined_ids_of(profile)})
        fast = fast_detail(fast_id=pk, today=today, profile_id=profile.pk if profile else None)
        if fast is None:
            raise NotFound()
        data = FastSerializer(fast, context={"request": request, "today": today}).data
        if church is not None and fast.church_id == church.pk:
            FAST_DETAIL.put({**data, "joined": False}, owner=church, parts=parts)
        return Response(data)


class _FastPageApi(APIView):
    """A page of the church's fasts (10 by first day), in the church context of docs/API.md §3.1;
    a subclass reads its own parameters and asks its selector."""

    permission_classes = [AllowAny]

    def read(self, request: Request, **context: Any) -> tuple[list[Fast], int]:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        today = request_today(request)
        church = church_context(request)
        page, offset = page_param(request)
        profile = caller_profile(request)
        fasts, count = self.read(
            request,
            church_id=church.pk,
            today=today,
            profile_id=profile.pk if profile else None,
            offset=offset,
            limit=PAGE_SIZE,
        )
        context = {"request": request, "today": today}
        results = [FastSerializer(fast, context=context).data for fast in fasts]
        return Response(page_envelope(request, page=page, count=count, results=results))


def _fast_page_schema(*, date: OpenApiParameter, **kwargs: Any) -> Any:
    return extend_schema_view(
        get=extend_schema(
            parameters=[CHURCH_PARAM, date, TZ_PARAM, PAGE_PARAM],
            responses={
                200: page_of(FastSerializer, "FastPage"),
                400: BAD_REQUEST,
                404: PAGE_NOT_FOUND,
            },
            **kwargs,
        )
    )


@_fast_page_schema(
    date=OpenApiParameter(
        "date", OpenApiTypes.DATE, description="The date, YYYY-MM-DD (default: today)."
    ),
    summary="Fasts of the church with a day on the date (day numbers count up to it)",
    description="The church's fasts that keep the date, by first day. "
    "`current_day_number` counts each fast's days up to that date.",
    examples=examples_for("fast-by-date"),
)
class FastsByDateApi(_FastPageApi):
    def read(self, request: Request, **context: Any) -> tuple[list[Fast], int]:
        date = iso_date_param(request, "date", context["today"])
        return fasts_on_date_page(date=date, **context)


@_fast_page_schema(
    date=OpenApiParameter(
        "date", OpenApiTypes.DATE, required=True, description="The feast's date, YYYY-MM-DD."
    ),
    summary="Fasts of the church whose culmination feast falls on the date",
    description="The church's fasts whose culmination feast is on the date, by first day.",
    examples=examples_for("fast-by-feast-date"),
)
class FastsByFeastDateApi(_FastPageApi):
    def read(self, request: Request, **context: Any) -> tuple[list[Fast], int]:
        return fasts_by_feast_date_page(feast_date=iso_date_param(request, "date"), **context)


WRITE_ERRORS = {
    400: INVALID_BODY,
    401: UNAUTHENTICATED,
    404: NOT_FOUND,
    409: WRITE_CONFLICT,
    415: UNSUPPORTED_MEDIA,
}
MEMBERSHIP_REQUEST_EXAMPLE = OpenApiExample("A fast", value={"fast_id": 1}, request_only=True)
# What each refusal of a join or leave answers (docs/API.md §3.6).
MEMBERSHIP_ERRORS: dict[type[MembershipError], Callable[[], Exception]] = {
    FastNotFound: lambda: NotFound("Fast not found.", code="fast_not_found"),
    AlreadyJoined: lambda: BadRequest("You are already part of this fast.", code="already_joined"),
    NotJoined: lambda: BadRequest("You are not part of this fast.", code="not_joined"),
}


class _MembershipApi(APIView):
    """Join or leave (PUT and PATCH alike): ``{"fast_id": <id>}`` in, ``answer`` out."""

    permission_classes = [IsAuthenticated]
    change: Callable[..., None]
    answer: dict[str, str]

    def put(self, request: Request) -> Response:
        if not isinstance(request.data, dict):
            raise BadRequest('Expected a JSON object such as {"fast_id": 1}.', code="invalid_body")
        serializer = FastMembershipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fast_id = int(serializer.validated_data["fast_id"])
        try:
            type(self).change(profile=request.user.profile, fast_id=fast_id)  # type: ignore[union-attr]
        except MembershipError as error:
            raise MEMBERSHIP_ERRORS[type(error)]() from None
        return Response(self.answer)

    patch = put


def _membership_schema(**kwargs: Any) -> Any:
    schema = extend_schema(
        request=FastMembershipInputSerializer,
        examples=[MEMBERSHIP_REQUEST_EXAMPLE, *kwargs.pop("examples")],
        **kwargs,
    )
    return extend_schema_view(put=schema, patch=schema)


@_membership_schema(
    responses={200: JOINED, **WRITE_ERRORS},
    summary="Join a fast",
    description="Join any church's fast. Joining a fast already joined is a 400 with "
    "`code: already_joined`: a client retrying a join whose answer it lost can treat that "
    "code as success. PUT and PATCH do the same.",
    examples=examples_for("fast-join"),
)
class FastJoinApi(_MembershipApi):
    change = staticmethod(fast_join)
    answer: dict[str, str] = {}


@_membership_schema(
    responses={200: LeftSerializer, **WRITE_ERRORS},
    summary="Leave a fast",
    description="Leave a fast joined before. Leaving a fast not joined is a 400 with "
    "`code: not_joined`: a client retrying a leave can treat that code as success. PUT and "
    "PATCH do the same.",
    examples=examples_for("leave-fast"),
)
class FastLeaveApi(_MembershipApi):
    change = staticmethod(fast_leave)
    answer = {"detail": "Successfully left the fast."}


class FastStatsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[TZ_PARAM],
        responses={200: StatsSerializer, 400: BAD_REQUEST, 401: UNAUTHENTICATED},
        summary="The caller's totals",
        description="How many fasts the caller joined and kept, and how many days of them, "
        "as of today in the request's time zone.",
        examples=examples_for("fast-stats"),
    )
    def get(self, request: Request) -> Response:
        profile: Profile = request.user.profile  # type: ignore[union-attr]
        today = request_today(request)
        stats = STATS.get_or_compute(
            lambda: profile_stats(profile_id=profile.pk, today=today), owner=profile, parts=(today,)
        )
        return Response(stats)
