"""Churches, by name, a page at a time with the total in the same query."""

from typing import NamedTuple

from django.db.models import Count, Window

from hub.models import Church
from hub.selectors.compiled import PreparedQuery


class ChurchRow(NamedTuple):
    id: int
    name: str
    total: int


_PAGE = PreparedQuery(
    lambda p: (
        Church.objects.annotate(total=Window(Count("pk")))
        .order_by("name", "id")
        .values_list("id", "name", "total")
    ),
    params={},
    paged=True,
)
_BY_ID = PreparedQuery(lambda p: Church.objects.filter(pk=p.church_id), params={"church_id": int})


def churches_page(*, offset: int, limit: int) -> list[ChurchRow]:
    return [ChurchRow(*row) for row in _PAGE.rows(offset=offset, limit=limit)]


def church_by_id(*, church_id: int) -> Church | None:
    """The church (with its cache version), or None. One query."""
    return _BY_ID.first(church_id=church_id)
