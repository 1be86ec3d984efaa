"""Who keeps a fast: a first few (plain) or limit/offset pages, by account creation.

Two queries after authentication: the fast's stored ``participant_count`` (also the 404 check)
and the page itself (an index range scan, see hub.selectors.participants).
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api.errors import BadRequest
from hub.api.pagination import int_param, limit_offset_envelope
from hub.api.schema import (
    BAD_REQUEST,
    NOT_FOUND,
    UNAUTHENTICATED,
    error_response,
    examples_for,
    id_param,
    page_of,
)
from hub.api.serializers.participants import ParticipantSerializer, participant_data
from hub.limits import MAX_LIMIT, PARTICIPANTS_DEFAULT_LIMIT, PARTICIPANTS_PAGE_DEFAULT_LIMIT
from hub.selectors.fasts import fast_participant_count
from hub.selectors.participants import participants_page


def _participant_count_or_404(fast_id: int) -> int:
    count = fast_participant_count(fast_id=fast_id)
    if count is None:
        raise NotFound()
    return count


class FastParticipantsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            id_param("fast"),
            OpenApiParameter(
                "limit",
                int,
                description="How many (default 6, at most 100; a non-integer means 6, a "
                "negative number is a 400).",
            ),
        ],
        responses={
            200: ParticipantSerializer(many=True),
            400: error_response("`limit` is negative (`code`: `invalid_parameter`)."),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
        summary="The first participants of a fast",
        description="The first people who joined the fast, by account creation (oldest "
        "account first), the caller included.",
        examples=examples_for("fast-participants"),
    )
    def get(self, request: Request, pk: int) -> Response:
        raw = request.query_params.get("limit", "")
        try:
            limit = int(raw)
        except ValueError:
            limit = PARTICIPANTS_DEFAULT_LIMIT  # the original service's behaviour, kept for clients
        if limit < 0:
            raise BadRequest("limit must not be negative.", code="invalid_parameter")
        limit = min(limit, MAX_LIMIT)
        count = _participant_count_or_404(pk)
        rows = participants_page(fast_id=pk, offset=0, limit=limit) if count and limit else []
        return Response([participant_data(row, request=request) for row in rows])


class FastParticipantsPaginatedApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            id_param("fast"),
            OpenApiParameter(
                "limit",
                int,
                description="Page size, from 1 to 100 (default 10; a larger one means 100).",
            ),
            OpenApiParameter(
                "offset", int, description="How many participants to skip (default 0)."
            ),
        ],
        responses={
            200: page_of(ParticipantSerializer, "ParticipantPage"),
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
        },
        summary="Participants of a fast, limit/offset pages",
        description="Everyone who joined the fast, by account creation (oldest account "
        "first), the caller included. An offset past the end answers an empty page with the "
        "full `count`.",
        examples=examples_for("fast-participants-paginated"),
    )
    def get(self, request: Request, pk: int) -> Response:
        # limit=0 is a 400: an empty page whose next link was itself made clients loop forever.
        limit = min(
            int_param(request, "limit", default=PARTICIPANTS_PAGE_DEFAULT_LIMIT, minimum=1),
            MAX_LIMIT,
        )
        offset = int_param(request, "offset", default=0)
        count = _participant_count_or_404(pk)
        rows = (
            participants_page(fast_id=pk, offset=offset, limit=limit)
            if offset < count and limit
            else []
        )
        results = [participant_data(row, request=request) for row in rows]
        return Response(
            limit_offset_envelope(request, limit=limit, offset=offset, count=count, results=results)
        )
