"""Legacy single-fast endpoints (``YYYY-MM-DD`` or ``YYYYMMDD`` dates; "no fast" is a 200 stub
without ``id``)."""

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api.params import caller_profile, church_context, legacy_date_param, request_today
from hub.api.schema import BAD_REQUEST, CHURCH_PARAM, FAST_OR_NO_FAST, TZ_PARAM, examples_for
from hub.api.serializers.fasts import NO_FAST_STUB, FastSerializer
from hub.models import Fast
from hub.selectors.fasts import fast_on_date_for_church, joined_fast_on_date

LEGACY_PARAMS = [
    OpenApiParameter(
        "date", str, description="YYYY-MM-DD or YYYYMMDD (default: today in the request's zone)."
    ),
    CHURCH_PARAM,
    TZ_PARAM,
]


def _one_fast(request: Request, fast: Fast | None, today: dt.date) -> Response:
    if fast is None:
        return Response(dict(NO_FAST_STUB))
    return Response(FastSerializer(fast, context={"request": request, "today": today}).data)


def _church_fast_on_date(request: Request) -> Response:
    today = request_today(request)
    church = church_context(request)
    date = legacy_date_param(request, "date", today)
    profile = caller_profile(request)
    fast = fast_on_date_for_church(
        church_id=church.pk, date=date, today=today, profile_id=profile.pk if profile else None
    )
    return _one_fast(request, fast, today)


class ChurchFastOnDateApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=LEGACY_PARAMS,
        responses={200: FAST_OR_NO_FAST, 400: BAD_REQUEST},
        summary="Legacy: the church's fast on a date",
        description="The church's fast that keeps the date (the newest when several), or the "
        "'no fast' stub, recognised by its missing `id`.",
        examples=examples_for("fast_on_date"),
    )
    def get(self, request: Request) -> Response:
        return _church_fast_on_date(request)


class UserFastOnDateApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=LEGACY_PARAMS,
        responses={200: FAST_OR_NO_FAST, 400: BAD_REQUEST},
        summary="Legacy: the caller's fast on a date",
        description="For an authenticated caller: the fast they joined, of their church, that "
        "keeps the date (or the 'no fast' stub). Anonymous callers get what `/api/fast/` "
        "answers.",
        examples=examples_for("fast_on_date_user"),
    )
    def get(self, request: Request) -> Response:
        profile = caller_profile(request)
        if profile is None:
            return _church_fast_on_date(request)
        today = request_today(request)
        date = legacy_date_param(request, "date", today)
        if profile.church_id is None:
            return _one_fast(request, None, today)
        fast = joined_fast_on_date(
            profile_id=profile.pk, church_id=profile.church_id, date=date, today=today
        )
        return _one_fast(request, fast, today)
