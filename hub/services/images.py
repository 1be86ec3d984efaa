"""Image work with Pillow: verify uploads, normalise them, make thumbnails.

Everything a client uploads is decoded and re-encoded as a plain JPEG: that proves it is a real
image, applies the EXIF orientation once, and drops every piece of metadata (GPS position,
camera serial numbers) from the stored file. Decoding is bounded: the header's pixel count is
checked before any pixel is read (decompression bombs), and JPEGs are decoded at a reduced scale
when they are much larger than what we store.
"""

from __future__ import annotations

import io
import logging
import uuid
import warnings
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from hub.models import Fast

logger = logging.getLogger(__name__)

try:  # HEIC/HEIF photos from phones, when the optional decoder is installed
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF_ENABLED = True
except ImportError:  # pragma: no cover - depends on the installed wheels
    HEIF_ENABLED = False

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"} | ({"HEIF"} if HEIF_ENABLED else set()))
# A 48 MP phone photo is 8064 x 6048; anything bigger is refused before decoding.
MAX_PIXELS = 50_000_000
# Stored images are at most this many pixels on their longest side.
STORED_MAX_SIDE = 2048
JPEG_QUALITY = 85
PROFILE_THUMBNAIL_SIZE = (100, 100)
FAST_THUMBNAIL_WIDTH = 800

_BAD_IMAGE_ERRORS = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
)


class ImageInvalid(Exception):
    """Not an image we accept (not an image, unsupported format, too many pixels)."""


class ImageTooLarge(Exception):
    """The upload has more bytes than allowed."""


def image_open(*, source: IO[bytes]) -> Image.Image:
    """The decoded, upright, RGB image in ``source``; ``ImageInvalid`` when it is not one.

    Two passes: ``verify()`` checks the file's structure without decoding pixels, then a fresh
    open decodes it (Pillow cannot decode an image it has verified).
    """
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; make it an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            source.seek(0)
            with Image.open(source) as probe:
                _check_header(probe)
                probe.verify()
            source.seek(0)
            image = Image.open(source)
            _check_header(image)
            if image.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when that still covers what we store.
                image.draft("RGB", (STORED_MAX_SIDE, STORED_MAX_SIDE))
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            return _to_rgb(upright)
        except ImageInvalid:
            raise
        except _BAD_IMAGE_ERRORS as exc:
            raise ImageInvalid(
                "Upload a valid image. The file is not an image or is corrupted."
            ) from exc
        finally:
            source.seek(0)


def image_normalize(*, source: IO[bytes], max_bytes: int | None = None) -> Image.Image:
    """Check size and content of an upload; the upright RGB image, at most STORED_MAX_SIDE."""
    if max_bytes is not None:
        size = _byte_size(source)
        if size > max_bytes:
            raise ImageTooLarge(f"The image is larger than {max_bytes // (1024 * 1024)} MB.")
    image = image_open(source=source)
    image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def jpeg_encode(*, image: Image.Image) -> ContentFile[bytes]:
    """``image`` as a JPEG file with no metadata at all (no EXIF, no ICC, no comments)."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(buffer.getvalue())


def thumbnail_make(*, image: Image.Image, width: int, height: int | None = None) -> Image.Image:
    """A thumbnail of ``image``.

    With ``height``: exactly ``width`` x ``height``, centre-cropped (profile avatars).
    Without: ``width`` pixels wide (never upscaled), keeping the aspect ratio (fast banners).
    """
    if height is not None:
        return ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    if image.width <= width:
        return image.copy()
    new_height = max(1, round(image.height * width / image.width))
    return image.resize((width, new_height), Image.Resampling.LANCZOS)


def unique_jpeg_name() -> str:
    return f"{uuid.uuid4().hex}.jpg"


def files_delete(*, storage: Storage, names: Iterable[str | None]) -> None:
    """Remove files from storage; a missing file or a storage hiccup only logs."""
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except Exception:  # the row is already gone or changed; never fail the request
            logger.warning("could not delete stored file %s", name, exc_info=True)


def fast_image_thumbnail_sync(*, fast: Fast) -> None:
    """Before a fast is saved: give a newly set image its 800 px wide JPEG thumbnail.

    Runs from ``Fast.save`` so every path (admin, shell, commands) gets it. A new upload (an
    uncommitted file) or an image without a thumbnail is thumbnailed; a removed image removes
    the thumbnail. An undecodable image leaves no thumbnail and logs: saving the fast must not
    fail on it (the admin's ImageField already validated real uploads).
    """
    image_file = fast.image
    thumb_file = fast.image_thumbnail
    if not image_file:
        if thumb_file:
            _delete_on_commit(storage=thumb_file.storage, name=thumb_file.name)
            fast.image_thumbnail = None
        return
    is_new_upload = not getattr(image_file, "_committed", True)
    if not is_new_upload and thumb_file:
        return
    try:
        source = image_file.file if is_new_upload else image_file.open("rb")
        try:
            thumb = thumbnail_make(image=image_open(source=source), width=FAST_THUMBNAIL_WIDTH)
        finally:
            if not is_new_upload:
                image_file.close()
    except (ImageInvalid, OSError):
        logger.warning("fast %s: no thumbnail for image %s", fast.pk, image_file.name)
        return
    old_thumb_name = thumb_file.name if thumb_file else None
    fast.image_thumbnail.save(unique_jpeg_name(), jpeg_encode(image=thumb), save=False)
    if old_thumb_name:
        _delete_on_commit(storage=fast.image_thumbnail.storage, name=old_thumb_name)


def _delete_on_commit(*, storage: Storage, name: str | None) -> None:
    transaction.on_commit(lambda: files_delete(storage=storage, names=[name]))


def _check_header(image: Image.Image) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise ImageInvalid("Unsupported image format. Use JPEG, PNG, WebP or HEIC.")
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise ImageInvalid("The image has too many pixels.")


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _byte_size(source: IO[bytes]) -> int:
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    source.seek(0, io.SEEK_END)
    end = source.tell()
    source.seek(position)
    return end
