"""Churches, by name, a page at a time with the total in the same query."""

from typing import NamedTuple

from django.db.models import Count, Window

from hub.models import Church


class ChurchRow(NamedTuple):
    id: int
    name: str
    total: int


def churches_page(*, offset: int, limit: int) -> list[ChurchRow]:
    rows = (
        Church.objects.annotate(total=Window(Count("pk")))
        .order_by("name", "id")
        .values_list("id", "name", "total")[offset : offset + limit]
    )
    return [ChurchRow(*row) for row in rows]


def church_by_id(*, church_id: int) -> Church | None:
    return Church.objects.filter(pk=church_id).first()
