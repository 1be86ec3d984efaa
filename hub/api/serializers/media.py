"""Absolute URLs of stored files (pictures, thumbnails), as every representation shows them."""

from django.core.files.storage import default_storage
from rest_framework.request import Request


def absolute_media_url(request: Request, name: str | None) -> str | None:
    if not name:
        return None
    return request.build_absolute_uri(default_storage.url(name))
