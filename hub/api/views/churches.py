"""Churches: a page-number list by name, and one church."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.api.pagination import page_envelope, page_param
from hub.api.schema import NOT_FOUND, PAGE_NOT_FOUND, PAGE_PARAM, examples_for, id_param, page_of
from hub.api.serializers.churches import ChurchSerializer
from hub.limits import PAGE_SIZE
from hub.selectors.churches import church_by_id, churches_page


class ChurchListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        parameters=[PAGE_PARAM],
        responses={200: page_of(ChurchSerializer, "ChurchPage"), 404: PAGE_NOT_FOUND},
        operation_id="api_churches_list",
        summary="Churches, by name",
        description="Every church, by name, 10 per page. No authentication needed.",
        auth=[],
        examples=examples_for("church-list"),
    )
    def get(self, request: Request) -> Response:
        page, offset = page_param(request)
        rows = churches_page(offset=offset, limit=PAGE_SIZE)
        results = [{"id": row.id, "name": row.name} for row in rows]
        count = rows[0].total if rows else 0
        return Response(page_envelope(request, page=page, count=count, results=results))


class ChurchDetailApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        parameters=[id_param("church")],
        responses={200: ChurchSerializer, 404: NOT_FOUND},
        summary="One church",
        description="A church by id. No authentication needed.",
        examples=examples_for("church-detail"),
        auth=[],
    )
    def get(self, request: Request, pk: int) -> Response:
        church = church_by_id(church_id=pk)
        if church is None:
            raise NotFound()
        return Response({"id": church.pk, "name": church.name})
