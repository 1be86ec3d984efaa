"""Query budgets: the most SQL statements each endpoint may run per request.

Counted around the whole request, authentication included, on a cold cache. One parametrised
test checks every entry at small and large data (``tests/performance/test_query_budgets.py``),
another fails when an API URL has no entry here, and in production a request over its budget
logs one structured warning (``hub.observability``).
"""

QUERY_BUDGETS: dict[str, int] = {
    # accounts
    "auth_register": 8,
    "token_obtain_pair": 4,
    "token_refresh": 6,
    "token_logout": 4,
    "profile-detail": 2,
    "profile-image-upload": 3,
    "password_reset": 2,
    "password_reset_confirm": 6,
    "account-delete": 16,
    # churches and fasts
    "church-list": 1,
    "church-detail": 1,
    "fast-list": 4,
    "fast-detail": 3,
    "fast-by-date": 4,
    "fast-by-feast-date": 4,
    "fast-join": 6,
    "leave-fast": 6,
    "fast-participants": 3,
    "fast-participants-paginated": 3,
    "fast-stats": 3,
    "fast-days-list": 3,
    "user-days": 3,
    "fast_on_date_user": 3,
    "fast_on_date": 3,
    # operations
    "health": 1,
    "schema": 0,
    "swagger-ui": 0,
    "api-not-found": 0,
}
