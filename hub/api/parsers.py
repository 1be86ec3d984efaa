"""Request bodies: DRF's JSON parser bounded in nesting depth, and uploads bounded in size.

Python's ``json`` module recurses once per nesting level: a 2 KB body of 1,100 nested arrays
exhausts the interpreter's recursion limit (a 500 on any endpoint that reads a body). Bodies
nested deeper than ``MAX_JSON_DEPTH`` levels are a 400 instead, whether the parser or the
depth check notices first; no endpoint takes more than three levels.
"""

from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from hub.limits import MAX_JSON_DEPTH

_TOO_DEEP = f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."


def json_depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0). Iterative: no recursion."""
    deepest = 0
    pending = [(value, 1)] if isinstance(value, dict | list) else []
    while pending:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_TOO_DEEP) from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(_TOO_DEEP)
        return data


class BoundedUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: the files of one multipart body may add up to
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes, like any other body (Django's own limit leaves file
    parts out). Past that the request is a 413, before the rest is read."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestDataTooBig("Uploaded files exceed DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
