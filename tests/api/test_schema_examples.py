"""The OpenAPI response examples are real, current, attached where they belong, and valid.

The examples in hub/api/examples/ are response bodies recorded from real requests. When a
response changes shape, these tests fail until the examples are recorded again, on a freshly
migrated database so that ids start at 1::

    DATABASE_URL=sqlite:////tmp/examples.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/examples.sqlite3 .venv/bin/python manage.py record_api_examples

then review and commit the changed files.
"""

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.test import APIClient

from hub.api.schema import EXAMPLES_DIR
from hub.management.commands.record_api_examples import api_examples_record
from hub.models import Church, Day, Fast

EXAMPLE_FILES = sorted(EXAMPLES_DIR.glob("*.json"))


@functools.cache
def openapi() -> dict[str, Any]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def json_schema(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable`` as JSON Schema understands it (``null`` also allowed)."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def documented_examples(operation: str, status: str, stem: str) -> list[tuple[str, Any, Any]]:
    """(schema path, example value, response schema) wherever the file's example is attached."""
    found = []
    for path, operations in openapi()["paths"].items():
        for details in operations.values():
            content = details["responses"].get(status, {}).get("content", {})
            for media in content.values():
                for example in media.get("examples", {}).values():
                    if example.get("summary") == stem:
                        found.append((path, example["value"], media["schema"]))
    return found


def body_shape(value: Any) -> Any:
    """Keys and JSON types, recursively; the values themselves (ids, dates) are left out."""
    if isinstance(value, dict):
        return {key: body_shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [body_shape(item) for item in value]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def test_there_are_recorded_examples() -> None:
    operations = {path.stem.split(".")[0] for path in EXAMPLE_FILES}
    assert len(operations) >= 20


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_each_example_is_documented_for_its_operation_and_status(path: Path) -> None:
    operation, status, *_ = path.stem.split(".")
    attached = documented_examples(operation, status, path.stem)
    assert attached, f"{path.name} is not attached to any operation documenting {status}"
    recorded = json.loads(path.read_text())
    components = json_schema(openapi()["components"])
    for schema_path, value, response_schema in attached:
        # The operation the example is attached to is the one its file is named after.
        assert resolve(schema_path.replace("{id}", "1")).url_name == operation
        # A list response is shown with its first recorded item only (drf-spectacular lists it).
        assert value == (recorded[:1] if isinstance(recorded, list) else recorded)
        jsonschema.validate(value, {**json_schema(response_schema), "components": components})


def test_the_no_fast_stub_is_not_a_fast() -> None:
    """The legacy 200 is one of two shapes; each example matches exactly one of them."""
    stub = json.loads((EXAMPLES_DIR / "fast_on_date.200.no-fast.json").read_text())
    fast = json.loads((EXAMPLES_DIR / "fast_on_date.200.json").read_text())
    components = json_schema(openapi()["components"])
    fast_schema = {"$ref": "#/components/schemas/Fast", "components": components}
    assert "id" not in stub
    assert jsonschema.Draft7Validator(fast_schema).is_valid(fast)
    assert not jsonschema.Draft7Validator(fast_schema).is_valid(stub)


@pytest.mark.django_db
def test_recording_again_gives_the_committed_statuses_and_shapes(tmp_path: Path) -> None:
    counts = [model.objects.count() for model in (User, Church, Fast, Day)]

    fresh = api_examples_record(out_dir=tmp_path)

    assert sorted(path.name for path in fresh) == [path.name for path in EXAMPLE_FILES]
    for path in EXAMPLE_FILES:
        committed = json.loads(path.read_text())
        recorded = json.loads((tmp_path / path.name).read_text())
        assert body_shape(recorded) == body_shape(committed), (
            f"{path.name} changed shape: record the examples again (see this module's docstring)"
        )
    # The data set was rolled back.
    assert [model.objects.count() for model in (User, Church, Fast, Day)] == counts


@pytest.mark.django_db
def test_tokens_are_shortened_in_the_recorded_bodies(tmp_path: Path) -> None:
    api_examples_record(out_dir=tmp_path)

    pair = json.loads((tmp_path / "token_obtain_pair.200.json").read_text())

    assert pair == {"refresh": "eyJhbGciOi...<refresh>", "access": "eyJhbGciOi...<access>"}
    everything = "".join(path.read_text() for path in tmp_path.glob("*.json"))
    assert "eyJ" in everything
    assert everything.count("eyJ") == everything.count("eyJhbGciOi...<")


@pytest.mark.django_db
def test_the_command_refuses_to_run_with_debug_off_unless_forced(
    tmp_path: Path, settings: Any
) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("record_api_examples", "--output", str(tmp_path))
    assert not list(tmp_path.iterdir())

    call_command("record_api_examples", "--output", str(tmp_path), "--force")

    assert (tmp_path / "fast-list.200.json").exists()
    assert not User.objects.filter(email="anna@example.org").exists()


def test_the_served_schema_carries_the_fast_list_examples(api_client: APIClient) -> None:
    response = api_client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    served = json.loads(response.content)
    responses = served["paths"]["/api/fasts/"]["get"]["responses"]
    examples = {
        status: [
            e["value"]
            for e in responses[status]["content"]["application/json"]["examples"].values()
        ]
        for status in ("200", "400")
    }
    assert json.loads((EXAMPLES_DIR / "fast-list.200.json").read_text())[:1] in examples["200"]
    assert json.loads((EXAMPLES_DIR / "fast-list.400.json").read_text()) in examples["400"]
    assert examples["200"][0][0]["name"] == "Fast of Nineveh"
