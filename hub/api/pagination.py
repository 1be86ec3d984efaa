"""Page-number and limit/offset envelopes (docs/API.md §1.7): ``{count, next, previous, results}``.

Pages are read by selectors that return the total with the rows (``COUNT(*) OVER ()``) or take
it from a stored counter, so a page never costs a separate COUNT query.
"""

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from hub.api.errors import BadRequest
from hub.limits import PAGE_SIZE


def page_param(request: Request) -> tuple[int, int]:
    """(page number, offset) of ``?page=N``; anything but a positive integer is 404 Invalid page."""
    raw = request.query_params.get("page", "1")
    try:
        page = int(raw)
    except ValueError:
        raise NotFound("Invalid page.", code="invalid_page") from None
    if page < 1 or page > 10**9:
        raise NotFound("Invalid page.", code="invalid_page")
    return page, (page - 1) * PAGE_SIZE


def page_envelope(request: Request, *, page: int, count: int, results: list[Any]) -> dict[str, Any]:
    if not results and page > 1:
        raise NotFound("Invalid page.", code="invalid_page")
    url = request.build_absolute_uri()
    has_next = page * PAGE_SIZE < count
    previous = None
    if page > 1:
        previous = (
            remove_query_param(url, "page")
            if page == 2
            else replace_query_param(url, "page", page - 1)
        )
    return {
        "count": count,
        "next": replace_query_param(url, "page", page + 1) if has_next else None,
        "previous": previous,
        "results": results,
    }


def int_param(request: Request, name: str, *, default: int, minimum: int = 0) -> int:
    """An integer parameter of at least ``minimum`` (0 or 1); malformed or smaller is a 400."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    kind = "positive" if minimum == 1 else "non-negative"
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a {kind} integer.", code="invalid_parameter") from None
    if value < minimum:
        raise BadRequest(f"{name} must be a {kind} integer.", code="invalid_parameter")
    return value


def limit_offset_envelope(
    request: Request, *, limit: int, offset: int, count: int, results: list[Any]
) -> dict[str, Any]:
    url = request.build_absolute_uri()
    next_url = None
    # limit >= 1: a next page always starts further on (limit=0 once linked to itself).
    if limit >= 1 and offset + limit < count:
        next_url = replace_query_param(
            replace_query_param(url, "limit", limit), "offset", offset + limit
        )
    previous = None
    if offset > 0:
        previous = replace_query_param(url, "limit", limit)
        previous = (
            remove_query_param(previous, "offset")
            if offset - limit <= 0
            else replace_query_param(previous, "offset", offset - limit)
        )
    return {"count": count, "next": next_url, "previous": previous, "results": results}
