"""Pictures for the upload tests, made in memory, and the one way to upload a profile picture."""

import io
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient


def image_bytes(
    fmt: str = "JPEG", size: tuple[int, int] = (300, 200), *, mode: str = "RGB", **save: Any
) -> bytes:
    """A plain black picture encoded as ``fmt`` (``save``: the encoder's options, EXIF...)."""
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def png_claiming(width: int, height: int, *, color_type: int = 6) -> bytes:
    """A valid PNG header claiming ``width`` x ``height`` with a few bytes of pixel data (a
    decompression bomb as the header shows it). ``color_type``: 6 RGBA, 2 RGB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def profile_image_upload(
    client: APIClient, content: bytes, *, name: str = "me.jpg", method: str = "put"
) -> Any:
    """``content`` sent to the profile picture endpoint as a file named ``name``."""
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return getattr(client, method)(
        reverse("profile-image-upload"), {"profile_image": file}, format="multipart"
    )
