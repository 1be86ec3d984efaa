"""Fast endpoints: list, detail, by date, by feast date, join, leave, stats.

Views parse input, call one selector or service, and format. Query cost per request (with
JWT authentication, which loads user + profile + church in one query) is in hub.api.budgets.
"""

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api.errors import BadRequest
from hub.api.pagination import PAGE_SIZE, page_envelope, page_param
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
from hub.models import Fast, Profile
from hub.selectors.fasts import (
    MAX_RANGE_DAYS,
    fast_detail,
    fast_list_for_church,
    fasts_by_feast_date_page,
    fasts_on_date_page,
    joined_fast_ids,
)
from hub.selectors.stats import profile_stats
from hub.services.memberships import AlreadyJoined, FastNotFound, NotJoined, fast_join, fast_leave


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


def _fast_page(
    request: Request, fasts: list[Fast], count: int, *, page: int, today: dt.date
) -> Response:
    context = {"request": request, "today": today}
    results = [FastSerializer(fast, context=context).data for fast in fasts]
    return Response(page_envelope(request, page=page, count=count, results=results))


class FastsByDateApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            CHURCH_PARAM,
            OpenApiParameter(
                "date", OpenApiTypes.DATE, description="The date, YYYY-MM-DD (default: today)."
            ),
            TZ_PARAM,
            PAGE_PARAM,
        ],
        responses={
            200: page_of(FastSerializer, "FastPage"),
            400: BAD_REQUEST,
            404: PAGE_NOT_FOUND,
        },
        summary="Fasts of the church with a day on the date (day numbers count up to it)",
        description="The church's fasts that keep the date, by first day. "
        "`current_day_number` counts each fast's days up to that date.",
        examples=examples_for("fast-by-date"),
    )
    def get(self, request: Request) -> Response:
        today = request_today(request)
        church = church_context(request)
        date = iso_date_param(request, "date", today)
        page, offset = page_param(request)
        profile = caller_profile(request)
        fasts, count = fasts_on_date_page(
            church_id=church.pk,
            date=date,
            today=today,
            profile_id=profile.pk if profile else None,
            offset=offset,
            limit=PAGE_SIZE,
        )
        return _fast_page(request, fasts, count, page=page, today=today)


class FastsByFeastDateApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            CHURCH_PARAM,
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                required=True,
                description="The feast's date, YYYY-MM-DD.",
            ),
            TZ_PARAM,
            PAGE_PARAM,
        ],
        responses={
            200: page_of(FastSerializer, "FastPage"),
            400: BAD_REQUEST,
            404: PAGE_NOT_FOUND,
        },
        summary="Fasts of the church whose culmination feast falls on the date",
        description="The church's fasts whose culmination feast is on the date, by first day.",
        examples=examples_for("fast-by-feast-date"),
    )
    def get(self, request: Request) -> Response:
        today = request_today(request)
        church = church_context(request)
        feast_date = iso_date_param(request, "date")
        page, offset = page_param(request)
        profile = caller_profile(request)
        fasts, count = fasts_by_feast_date_page(
            church_id=church.pk,
            feast_date=feast_date,
            today=today,
            profile_id=profile.pk if profile else None,
            offset=offset,
            limit=PAGE_SIZE,
        )
        return _fast_page(request, fasts, count, page=page, today=today)


class _MembershipApi(APIView):
    permission_classes = [IsAuthenticated]

    def fast_id(self, request: Request) -> int:
        if not isinstance(request.data, dict):
            raise BadRequest('Expected a JSON object such as {"fast_id": 1}.', code="invalid_body")
        serializer = FastMembershipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return int(serializer.validated_data["fast_id"])


WRITE_ERRORS = {
    400: INVALID_BODY,
    401: UNAUTHENTICATED,
    404: NOT_FOUND,
    409: WRITE_CONFLICT,
    415: UNSUPPORTED_MEDIA,
}
MEMBERSHIP_REQUEST_EXAMPLE = OpenApiExample("A fast", value={"fast_id": 1}, request_only=True)


class FastJoinApi(_MembershipApi):
    @extend_schema(
        request=FastMembershipInputSerializer,
        responses={200: JOINED, **WRITE_ERRORS},
        summary="Join a fast",
        description="Join any church's fast. Joining a fast already joined is a 400 with "
        "`code: already_joined`: a client retrying a join whose answer it lost can treat that "
        "code as success. PUT and PATCH do the same.",
        examples=[MEMBERSHIP_REQUEST_EXAMPLE, *examples_for("fast-join")],
    )
    def put(self, request: Request) -> Response:
        fast_id = self.fast_id(request)
        try:
            fast_join(profile=request.user.profile, fast_id=fast_id)  # type: ignore[union-attr]
        except FastNotFound:
            raise NotFound("Fast not found.", code="fast_not_found") from None
        except AlreadyJoined:
            raise BadRequest("You are already part of this fast.", code="already_joined") from None
        return Response({})

    patch = put


class FastLeaveApi(_MembershipApi):
    @extend_schema(
        request=FastMembershipInputSerializer,
        responses={200: LeftSerializer, **WRITE_ERRORS},
        summary="Leave a fast",
        description="Leave a fast joined before. Leaving a fast not joined is a 400 with "
        "`code: not_joined`: a client retrying a leave can treat that code as success. PUT and "
        "PATCH do the same.",
        examples=[MEMBERSHIP_REQUEST_EXAMPLE, *examples_for("leave-fast")],
    )
    def put(self, request: Request) -> Response:
        fast_id = self.fast_id(request)
        try:
            fast_leave(profile=request.user.profile, fast_id=fast_id)  # type: ignore[union-attr]
        except FastNotFound:
            raise NotFound("Fast not found.", code="fast_not_found") from None
        except NotJoined:
            raise BadRequest("You are not part of this fast.", code="not_joined") from None
        return Response({"detail": "Successfully left the fast."})

    patch = put


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
