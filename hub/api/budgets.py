"""Query budgets: the most SQL statements each endpoint may run per request.

Counted around the whole request, authentication included, on a cold cache. One parametrised
test checks every entry at small and large data (``tests/performance/test_query_budgets.py``),
another fails when an API URL has no entry here, and in production a request over its budget
logs one structured warning (``hub.observability``).
"""

QUERY_BUDGETS: dict[str, int] = {
    # accounts
    "auth_register": 7,
    "token_obtain_pair": 2,
    "token_refresh": 5,
    "token_logout": 4,
    "profile-detail": 1,
    # + the profile row locked (SELECT ... FOR UPDATE) to read the names of the files it
    # replaces: concurrent uploads take turns and each deletes what the previous one stored
    "profile-image-upload": 5,
    "password_reset": 1,
    "password_reset_confirm": 2,  # the user, the password UPDATE (its trigger revokes tokens)
    # + the profile and user rows locked first (the same lock order as an upload and a token
    # rotation)
    "account-delete": 13,
    # churches and fasts
    "church-list": 1,
    "church-detail": 1,
    "fast-list": 3,
    "fast-detail": 2,
    "fast-by-date": 2,
    "fast-by-feast-date": 2,
    # auth + the statements of hub.services.memberships (join: existence check and INSERT;
    # leave: DELETE, plus an existence check when nothing was deleted) + the SAVEPOINT and
    # RELEASE a test (already inside a transaction) sees in place of BEGIN/COMMIT, and the
    # ROLLBACK TO SAVEPOINT of a refused join. The triggers run inside those statements.
    "fast-join": 6,
    "leave-fast": 5,
    "fast-participants": 3,
    "fast-participants-paginated": 3,
    "fast-stats": 2,
    "fast-days-list": 3,  # + an existence check only when the page is empty
    "user-days": 2,
    "fast_on_date_user": 2,
    "fast_on_date": 2,
    # operations
    "api-root": 0,
    "health": 1,
    "schema": 0,
    "swagger-ui": 0,
    "api-not-found": 0,
}

# Python-side work: the SQL statements the ORM builds and compiles per request, once the
# process has served the endpoint before (reads are prepared once per process: PreparedQuery).
# Writes still compile their INSERT/UPDATE/DELETE each time. Checked by
# tests/performance/test_compile_budgets.py; a read that starts compiling again fails it.
COMPILE_BUDGETS: dict[str, int] = {
    **{name: 0 for name in QUERY_BUDGETS},
    "auth_register": 5,
    "token_obtain_pair": 2,
    "token_refresh": 3,
    "token_logout": 2,
    "password_reset": 1,
    "password_reset_confirm": 2,
    "profile-image-upload": 2,  # the profile row locked, then the UPDATE
    "account-delete": 10,
    "fast-join": 2,  # the existence check and the INSERT
    "leave-fast": 2,  # the DELETE, and the existence check when nothing was deleted
}
