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
    "password_reset_confirm": 5,
    # + the profile and user rows locked first, for the same reason (and the same lock order
    # as an upload and a token rotation)
    "account-delete": 16,
    # churches and fasts
    "church-list": 1,
    "church-detail": 1,
    "fast-list": 3,
    "fast-detail": 2,
    "fast-by-date": 2,
    "fast-by-feast-date": 2,
    # auth + 5 statements (hub.services.memberships) + the transaction's SAVEPOINT/RELEASE
    # that a test (already inside a transaction) sees in place of BEGIN/COMMIT
    "fast-join": 8,
    "leave-fast": 8,
    "fast-participants": 3,
    "fast-participants-paginated": 3,
    "fast-stats": 2,
    "fast-days-list": 3,  # + an existence check only when the page is empty
    "user-days": 2,
    "fast_on_date_user": 2,
    "fast_on_date": 2,
    # operations
    "health": 1,
    "schema": 0,
    "swagger-ui": 0,
    "api-not-found": 0,
}
