"""Checks of API responses shared by the API tests: a JSON body with the expected status, the
two shapes of an error, and the keys of a fast in their contract order."""

import re
from typing import Any

from hub.api.serializers.fasts import FastSerializer

# The Fast's keys, in order, as its one definition declares them (hub.api.serializers.fasts);
# tests/api/fasts/test_fast_representation.py checks that order against a response written
# out field by field.
FAST_KEYS = list(FastSerializer().fields)


def ok(response: Any) -> Any:
    """The JSON body of a 200 response."""
    assert response.status_code == 200, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def error_body(response: Any, status: int) -> Any:
    """The JSON body of an error response, after checking its status and content type."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


def detail_of(response: Any, status: int = 400) -> str:
    """The message of a request-level error, after checking it has a stable ``code`` too."""
    body = error_body(response, status)
    assert list(body) == ["detail", "code"], body
    assert isinstance(body["detail"], str) and body["detail"]
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", body["code"]), body
    return str(body["detail"])
