"""The OpenAPI document explains itself to a client developer.

Every field of every schema (responses, request bodies, inline objects) and every parameter has
a description; descriptions carry no implementation notes; every operation says what it does;
optional authentication is declared as optional and none as none.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

# Words that belong to the code, not to a client's view of the API.
IMPLEMENTATION_WORDS = re.compile(
    r"to_representation|fast_data|cache[_ ]version|selector|queryset|select_related|"
    r"trigger|annotat|\bSQL\b|serializer|\bORM\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    document: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return document


def _properties(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(location, property schema) of every property, inline ones included."""
    if not isinstance(schema, dict):
        return
    for name, prop in (schema.get("properties") or {}).items():
        yield f"{where}.{name}", prop
        yield from _properties(prop, f"{where}.{name}")
    for key in ("items", "additionalProperties"):
        yield from _properties(schema.get(key), f"{where}[{key}]")
    for key in ("oneOf", "anyOf", "allOf"):
        for index, option in enumerate(schema.get(key) or []):
            yield from _properties(option, f"{where}.{key}[{index}]")


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _inline_schemas(operation: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for status, response in operation.get("responses", {}).items():
        for content in (response.get("content") or {}).values():
            yield f"response {status}", content.get("schema")
    for content in (operation.get("requestBody", {}).get("content") or {}).values():
        yield "request", content.get("schema")


def test_every_field_has_a_description(schema: dict[str, Any]) -> None:
    undescribed = [
        where
        for name, component in schema["components"]["schemas"].items()
        for where, prop in _properties(component, name)
        if not prop.get("description") and "$ref" not in prop
    ]
    for label, operation in _operations(schema):
        for kind, inline in _inline_schemas(operation):
            undescribed += [
                where
                for where, prop in _properties(inline, f"{label} {kind}")
                if not prop.get("description") and "$ref" not in prop
            ]
    assert not undescribed, undescribed


def test_every_parameter_and_operation_is_described(schema: dict[str, Any]) -> None:
    missing = []
    for label, operation in _operations(schema):
        if not operation.get("description") and not operation.get("summary"):
            missing.append(label)
        missing += [
            f"{label} ?{parameter['name']}"
            for parameter in operation.get("parameters", [])
            if not parameter.get("description")
        ]
        missing += [
            f"{label} {status}"
            for status, response in operation["responses"].items()
            if not response.get("description")
        ]
    assert not missing, missing


def test_no_description_is_an_implementation_note(schema: dict[str, Any]) -> None:
    notes = []

    def visit(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    if IMPLEMENTATION_WORDS.search(value):
                        notes.append((where, value[:120]))
                else:
                    visit(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, f"{where}[{index}]")

    visit(schema, "")
    assert not notes, notes


def test_errors_are_typed_never_an_open_object(schema: dict[str, Any]) -> None:
    untyped = [
        f"{label} {status}"
        for label, operation in _operations(schema)
        for status, response in operation["responses"].items()
        for content in (response.get("content") or {}).values()
        if content.get("schema", {}).get("type") == "object"
        and not content["schema"].get("properties")
        and "additionalProperties" not in content["schema"]
    ]
    assert not untyped, untyped


@pytest.mark.parametrize(
    ("operation_path", "method", "expected"),
    [
        ("/api/fasts/", "get", [{"jwtAuth": []}, {}]),  # optional: the caller's church
        ("/api/fasts/{id}/", "get", [{"jwtAuth": []}, {}]),
        ("/api/fasts/stats/", "get", [{"jwtAuth": []}]),  # required
        ("/api/fasts/join/", "put", [{"jwtAuth": []}]),
        ("/api/churches/", "get", []),  # no authentication at all
        ("/api/token/", "post", []),
    ],
)
def test_security_requirements(
    schema: dict[str, Any], operation_path: str, method: str, expected: list[Any]
) -> None:
    assert schema["paths"][operation_path][method].get("security", []) == expected
