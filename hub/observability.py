"""Request ids, and the cost of every request made visible.

``RequestCostMiddleware`` counts the SQL statements a request runs on every database alias
(through Django's ``execute_wrapper``, about a microsecond per statement) and

* with ``SERVER_TIMING`` on (default in development), answers
  ``Server-Timing: db;dur=<ms>;desc="<n> queries"`` so a client developer sees each call's cost
  (with a read replica, ``desc="<n> queries, <k> on replica"`` says where they ran);
* with ``QUERY_BUDGET_WARNINGS`` on, logs one structured warning when a request exceeds its
  endpoint's budget (``hub.api.budgets``), naming the most repeated statement shape.

Every request gets an id (the caller's ``X-Request-ID`` when it is sane, else a new one), echoed
in the response and attached to every log record of that request.
"""

import contextvars
import logging
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

from hub.api.budgets import QUERY_BUDGETS

logger = logging.getLogger("hub.cost")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):  # an explicit extra={"request_id": ...} wins
            record.request_id = request_id_var.get()
        return True


class _QueryMeter:
    __slots__ = ("count", "seconds", "statements")

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self.statements: list[str] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1
            self.statements.append(sql)


class RequestCostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx/5xx responses after the middleware chain
        # returns, and those lines should carry the id too. The next request sets its own.
        request_id_var.set(request_id)
        meter = _QueryMeter()
        elsewhere = {alias: _QueryMeter() for alias in connections if alias != DEFAULT_DB_ALIAS}
        with ExitStack() as wrappers:
            wrappers.enter_context(connections[DEFAULT_DB_ALIAS].execute_wrapper(meter))
            for alias, other in elsewhere.items():
                wrappers.enter_context(connections[alias].execute_wrapper(other))
            response = self.get_response(request)
        where = ""
        for alias, other in elsewhere.items():
            if other.count:
                meter.count += other.count
                meter.seconds += other.seconds
                meter.statements += other.statements
                where += f", {other.count} on {alias}"
        response["X-Request-ID"] = request_id
        if settings.SERVER_TIMING:
            response["Server-Timing"] = (
                f'db;dur={meter.seconds * 1000:.2f};desc="{meter.count} queries{where}"'
            )
        if settings.QUERY_BUDGET_WARNINGS:
            self._warn_over_budget(request, meter, request_id)
        return response

    @staticmethod
    def _warn_over_budget(request: HttpRequest, meter: _QueryMeter, request_id: str) -> None:
        match = request.resolver_match
        endpoint = match.url_name if match else None
        budget = QUERY_BUDGETS.get(endpoint or "")
        if budget is None or meter.count <= budget:
            return
        shape, times = Counter(meter.statements).most_common(1)[0]
        logger.warning(
            "query budget exceeded",
            extra={
                "endpoint": endpoint,
                "method": request.method,
                "queries": meter.count,
                "budget": budget,
                "repeated_sql": shape[:500],
                "repeated_times": times,
                "request_id": request_id,
            },
        )
