"""Days of a fast, and the caller's days, page by page in date order."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api.pagination import page_envelope, page_param
from hub.api.schema import (
    NOT_FOUND_OR_PAGE,
    PAGE_NOT_FOUND,
    PAGE_PARAM,
    UNAUTHENTICATED,
    examples_for,
    id_param,
    page_of,
)
from hub.api.serializers.days import DaySerializer, day_data
from hub.limits import PAGE_SIZE
from hub.selectors.days import fast_days_page, profile_days_page
from hub.selectors.fasts import fast_day_count


class FastDaysApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[id_param("fast"), PAGE_PARAM],
        responses={200: page_of(DaySerializer, "DayPage"), 404: NOT_FOUND_OR_PAGE},
        summary="Days of a fast, by date",
        description="The fast's days in date order, 10 per page.",
        examples=examples_for("fast-days-list"),
    )
    def get(self, request: Request, pk: int) -> Response:
        page, offset = page_param(request)
        rows = fast_days_page(fast_id=pk, offset=offset, limit=PAGE_SIZE)
        if rows:
            count = rows[0].total
        else:  # an empty page: tell an unknown fast (404) from a fast without days
            day_count = fast_day_count(fast_id=pk)
            if day_count is None:
                raise NotFound()
            count = day_count
        results = [day_data(row) for row in rows]
        return Response(page_envelope(request, page=page, count=count, results=results))


class UserDaysApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[PAGE_PARAM],
        responses={
            200: page_of(DaySerializer, "DayPage"),
            401: UNAUTHENTICATED,
            404: PAGE_NOT_FOUND,
        },
        summary="Days of the fasts the caller joined, by date",
        description="Every day of every fast the caller joined, in date order, 10 per page.",
        examples=examples_for("user-days"),
    )
    def get(self, request: Request) -> Response:
        page, offset = page_param(request)
        profile = request.user.profile  # type: ignore[union-attr]
        rows = profile_days_page(profile_id=profile.pk, offset=offset, limit=PAGE_SIZE)
        count = rows[0].total if rows else 0
        results = [day_data(row) for row in rows]
        return Response(page_envelope(request, page=page, count=count, results=results))
