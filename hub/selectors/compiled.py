"""Read statements built by the ORM once per process, then re-run with new values.

Building and compiling a queryset with annotations and ``select_related`` costs milliseconds of
Python; running the SQL it compiles to costs a fraction of that. A ``PreparedQuery`` builds its
queryset once per database alias, with a *sentinel* in place of every value that changes between
requests (an id, "today", a page's offset), compiles it, and remembers where each sentinel
landed among the statement's parameters. Each call then binds the real values into those slots
and runs the same SQL: the ORM stays the single source of the statement, and a request pays no
build or compile at all (``tests/performance/test_compile_budgets.py`` counts compilations).

Results come back exactly as the ORM would give them: the compiler's converters are applied to
the rows (SQLite dates, booleans), and ``instances()`` builds model instances with their
``select_related`` objects and annotations the way ``QuerySet.__iter__`` does.

A sentinel is a value no statement has otherwise (a year-1000 date, an id near 2**31); compiling
checks every sentinel landed in the parameters, so a shape that inlines a value (Django writes
``LIMIT``/``OFFSET`` into the SQL text) is handled explicitly: page shapes compile with sentinel
numbers in the ``LIMIT``/``OFFSET`` clause, which then become parameters.
"""

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler
from django.db.models.sql.query import Query

M = TypeVar("M", bound=Model)

# Inside a 32-bit integer: Django compiles a lookup outside its column's range (auth_user.id
# is 32-bit on PostgreSQL) to "matches nothing" instead of a parameter.
_INT_SENTINEL_BASE = 2_147_480_001
_LIMIT_SENTINEL, _OFFSET_SENTINEL = 7_770_001, 7_770_002


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, tuple[int, ...]]  # parameter name -> positions in ``params``
    paged: bool  # LIMIT %s OFFSET %s appended to the parameters
    query: Query
    select: Any
    klass_info: Any
    annotation_col_map: Any
    col_count: int


class PreparedQuery(Generic[M]):
    """A queryset shape, compiled once per database alias.

    ``build`` receives a namespace whose attributes are the sentinels of ``params`` (name ->
    type: ``int`` or ``datetime.date``) and returns the queryset; with ``paged``, calls pass
    ``offset`` and ``limit`` and the statement reads that slice.
    """

    def __init__(
        self,
        build: Callable[[Any], "QuerySet[M, Any]"],
        *,
        params: dict[str, type],
        paged: bool = False,
    ) -> None:
        self._build = build
        self._params = dict(params)
        self._paged = paged
        self._statements: dict[str, _Statement] = {}
        self._lock = threading.Lock()
        self._model: type[Model] | None = None

    # --- Running it ------------------------------------------------------------------------

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        """The result rows (``values_list`` shapes), converted as the ORM converts them."""
        _, compiler, rows = self._run(values)
        return [tuple(row) for row in compiler.results_iter(results=[rows])]

    def scalars(self, **values: Any) -> list[Any]:
        """The first column of each row (``values_list(..., flat=True)`` shapes)."""
        return [row[0] for row in self.rows(**values)]

    def instances(self, **values: Any) -> list[M]:
        """Model instances with their ``select_related`` objects and annotations."""
        statement, compiler, rows = self._run(values)
        return list(self._populate(statement, compiler, rows))

    def first(self, **values: Any) -> M | None:
        found = self.instances(**values)
        return found[0] if found else None

    # --- Compiling once ----------------------------------------------------------------------

    def _run(self, values: dict[str, Any]) -> tuple[_Statement, SQLCompiler, list[Any]]:
        expected = set(self._params) | ({"offset", "limit"} if self._paged else set())
        if set(values) != expected:
            raise TypeError(f"expected values for {sorted(expected)}, got {sorted(values)}")
        alias = router.db_for_read(self._model_of())
        connection = connections[alias]
        statement = self._statement(alias)
        params = list(statement.params)
        for name, positions in statement.slots.items():
            bound = _adapt(connection, values[name])
            for position in positions:
                params[position] = bound
        if statement.paged:
            params += [values["limit"], values["offset"]]
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        # A compiler of this thread's connection, given what compiling found (no compile).
        compiler = statement.query.get_compiler(using=alias)
        compiler.select = statement.select
        compiler.klass_info = statement.klass_info
        compiler.annotation_col_map = statement.annotation_col_map
        compiler.col_count = statement.col_count
        return statement, compiler, rows

    def _model_of(self) -> type[Model]:
        if self._model is None:
            self._model = self._build(self._sentinels()).model
        return self._model

    def _statement(self, alias: str) -> _Statement:
        statement = self._statements.get(alias)
        if statement is None:
            with self._lock:
                statement = self._statements.get(alias) or self._compile(alias)
                self._statements[alias] = statement
        return statement

    def _sentinels(self) -> SimpleNamespace:
        values: dict[str, Any] = {}
        for index, (name, kind) in enumerate(self._params.items()):
            if kind is dt.date:
                values[name] = dt.date(1000 + index, 1, 1)
            elif kind is int:
                values[name] = _INT_SENTINEL_BASE + index
            else:  # pragma: no cover - a programming error, caught by the first test
                raise TypeError(f"unsupported parameter type {kind!r} for {name}")
        return SimpleNamespace(**values)

    def _compile(self, alias: str) -> _Statement:
        connection = connections[alias]
        sentinels = self._sentinels()
        queryset = self._build(sentinels)
        if self._paged:
            queryset = queryset[_OFFSET_SENTINEL : _OFFSET_SENTINEL + _LIMIT_SENTINEL]
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots: dict[str, tuple[int, ...]] = {}
        for name in self._params:
            adapted = _adapt(connection, getattr(sentinels, name))
            positions = tuple(i for i, value in enumerate(params) if value == adapted)
            if not positions:
                raise ValueError(f"{name} is not a parameter of the compiled statement: {sql}")
            slots[name] = positions
        if self._paged:
            clause = f" LIMIT {_LIMIT_SENTINEL} OFFSET {_OFFSET_SENTINEL}"
            if not sql.endswith(clause):
                raise ValueError(f"unexpected page clause in: {sql}")
            sql = sql.removesuffix(clause) + " LIMIT %s OFFSET %s"
        return _Statement(
            sql=sql,
            params=tuple(params),
            slots=slots,
            paged=self._paged,
            query=queryset.query,
            select=compiler.select,
            klass_info=compiler.klass_info,
            annotation_col_map=compiler.annotation_col_map,
            col_count=compiler.col_count,
        )

    @staticmethod
    def _populate(statement: _Statement, compiler: SQLCompiler, rows: list[Any]) -> Iterator[M]:
        # What QuerySet.__iter__ (ModelIterable) does with a compiled query's rows.
        select, klass_info = statement.select, statement.klass_info
        model_cls = klass_info["model"]
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        db = compiler.using
        populators = get_related_populators(klass_info, select, db)
        for row in compiler.results_iter(results=[rows]):
            obj = model_cls.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for attribute, position in (statement.annotation_col_map or {}).items():
                setattr(obj, attribute, row[position])
            yield obj


def _adapt(connection: Any, value: Any) -> Any:
    """A value as the compiler puts it among the parameters (SQLite: dates as strings)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value
