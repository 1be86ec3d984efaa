"""The SQL statements a block of code sends, as a service's docstring counts them."""

import re
from types import TracebackType

from django.db import connection
from django.test.utils import CaptureQueriesContext

# What Django adds around an atomic block inside the test's transaction; not the service's own.
SAVEPOINT = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.I)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.I)


class Statements:
    """``with Statements() as sent:`` then ``sent.sql``: every statement the block sent to the
    default database, in order, savepoints left out."""

    def __init__(self) -> None:
        self._capture = CaptureQueriesContext(connection)

    def __enter__(self) -> "Statements":
        self._capture.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._capture.__exit__(kind, error, traceback)

    @property
    def sql(self) -> list[str]:
        captured = (query["sql"] for query in self._capture.captured_queries)
        return [sql for sql in captured if not SAVEPOINT.match(sql)]

    @property
    def writes(self) -> list[str]:
        return [sql for sql in self.sql if WRITE.match(sql)]

    def kinds(self) -> list[str]:
        """The first word of each statement (``SELECT``, ``INSERT``...)."""
        return [sql.split(None, 1)[0].upper() for sql in self.sql]
