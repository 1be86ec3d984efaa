"""Image work with Pillow: verify uploads, normalise them, make thumbnails.

Everything a client uploads is decoded and re-encoded as a plain JPEG: that proves it is a real
image, applies the EXIF orientation once, and drops every piece of metadata (EXIF with its GPS
position, XMP, ICC profiles, JPEG and PNG comments) from the stored file and its thumbnail.

Decoding is bounded in memory and CPU whatever the format (docs/PERFORMANCE.md, "Image uploads:
worst case"):

* the header's pixel count is checked against a cap per format before any pixel is read
  (``MAX_PIXELS``): JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers the size we
  store (``draft``), so a large one costs little; PNG, WebP and HEIF are always decoded whole,
  so their cap is lower; a progressive JPEG keeps all its coefficients in memory while
  decoding, so its cap is lower too;
* the decoded image is scaled down to the stored size first; orientation and the conversion to
  RGB then work on the small image, and no full-size copy is made.
"""

from __future__ import annotations

import io
import logging
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from hub.limits import PROFILE_THUMBNAIL_SIZE, megabytes

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
# Most pixels the header of each format may claim, set so that no accepted upload adds more than
# about 250 MB while it is decoded (benchmarks/image_uploads.py). A 48 MP phone photo (8064 x 6048)
# is a JPEG, decoded at reduced scale; phones' HEIF photos are 12 or 24 MP (5712 x 4284); under
# the 5 MB upload limit a PNG is a screenshot or a graphic; WebP decodes through a full RGBA
# canvas and a copy of it, so 12 MP is the most it may claim.
MAX_PIXELS = {"JPEG": 50_000_000, "HEIF": 25_000_000, "PNG": 4096 * 4096, "WEBP": 12_500_000}
# A progressive JPEG keeps every coefficient of the full-size image while decoding.
MAX_PIXELS_PROGRESSIVE_JPEG = 25_000_000
# Pillow keeps a pointer per row: a 1-pixel-wide strip of millions of rows costs more than its
# pixels. JPEG's own limit is 65,535 rows; the formats decoded whole stop at 16,384.
MAX_SIDE = {"JPEG": 65_535, "HEIF": 16_384, "PNG": 16_384, "WEBP": 16_383}
# Stored images are at most this many pixels on their longest side.
STORED_MAX_SIDE = 2048
JPEG_QUALITY = 85
FAST_THUMBNAIL_WIDTH = 800
# Images wider than this are scaled to FAST_THUMBNAIL_WIDTH whatever their height.
_ANY_HEIGHT = 1 << 30

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


@dataclass(frozen=True)
class ProfileImageFiles:
    """A profile picture ready to store: the image and its 100 x 100 thumbnail, as JPEG files."""

    image: ContentFile[bytes]
    thumbnail: ContentFile[bytes]


def image_open(
    *, source: IO[bytes], box: tuple[int, int] = (STORED_MAX_SIDE, STORED_MAX_SIDE)
) -> Image.Image:
    """The decoded, upright RGB image in ``source``, scaled down to fit in ``box``.

    ``ImageInvalid`` when it is not an image we accept. Two passes: ``verify()`` checks the
    file's structure without decoding pixels, then a fresh open decodes it (Pillow cannot decode
    an image it has verified). The result carries no metadata (``info`` is empty).
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
            with Image.open(source) as image:
                _check_header(image)
                return _decode_to_fit(image, box)
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
            raise ImageTooLarge(f"The image is larger than {megabytes(max_bytes)} MB.")
    return image_open(source=source)


def profile_image_files(*, source: IO[bytes], max_bytes: int | None) -> ProfileImageFiles:
    """Everything a profile picture upload computes, before anything is stored."""
    image = image_normalize(source=source, max_bytes=max_bytes)
    width, height = PROFILE_THUMBNAIL_SIZE
    thumb = thumbnail_make(image=image, width=width, height=height)
    return ProfileImageFiles(image=jpeg_encode(image=image), thumbnail=jpeg_encode(image=thumb))


def jpeg_encode(*, image: Image.Image) -> ContentFile[bytes]:
    """``image`` as a JPEG file with no metadata at all (no EXIF, XMP, ICC or comment).

    Pillow copies a decoded JPEG's comment into the file it saves unless told otherwise, so every
    metadata option is given explicitly empty.
    """
    buffer = io.BytesIO()
    image.save(
        buffer,
        format="JPEG",
        quality=JPEG_QUALITY,
        optimize=True,
        comment=b"",
        exif=b"",
        icc_profile=None,
        xmp=None,
    )
    return ContentFile(buffer.getvalue())


def thumbnail_make(*, image: Image.Image, width: int, height: int | None = None) -> Image.Image:
    """A thumbnail of ``image``, without metadata.

    With ``height``: exactly ``width`` x ``height``, centre-cropped (profile avatars).
    Without: ``width`` pixels wide (never upscaled), keeping the aspect ratio (fast banners).
    """
    if height is not None:
        thumb = ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS)
    elif image.width <= width:
        thumb = image.copy()
    else:
        new_height = max(1, round(image.height * width / image.width))
        thumb = image.resize((width, new_height), Image.Resampling.LANCZOS)
    thumb.info = {}
    return thumb


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
            thumb = image_open(source=source, box=(FAST_THUMBNAIL_WIDTH, _ANY_HEIGHT))
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


def _pixel_cap(image: Image.Image) -> int:
    if image.format == "JPEG" and (image.info.get("progressive") or image.info.get("progression")):
        return MAX_PIXELS_PROGRESSIVE_JPEG
    return MAX_PIXELS.get(image.format or "", 0)


def _check_header(image: Image.Image) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise ImageInvalid("Unsupported image format. Use JPEG, PNG, WebP or HEIC.")
    width, height = image.size
    if width < 1 or height < 1 or width * height > _pixel_cap(image):
        raise ImageInvalid("The image has too many pixels.")
    if max(width, height) > MAX_SIDE.get(image.format or "", 0):
        raise ImageInvalid("The image is too long on one side.")


def _fitted_size(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """``size`` scaled down (never up) to fit in ``box``, keeping the aspect ratio."""
    width, height = size
    scale = min(1.0, box[0] / width, box[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _decode_to_fit(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """Decode ``image`` (just opened, header checked) into a small upright RGB image in ``box``.

    Memory: the decoded image once (a JPEG at reduced scale), plus one full-size copy for
    palette and transparent images (scaled in full colour, alpha premultiplied); everything
    after the scaling works on the small image.
    """
    target = _fitted_size(image.size, box)
    if image.format == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 scale when that still covers the target size.
        image.draft("RGB", target)
    image.load()
    if image.mode in ("P", "PA"):
        # Palette images scale only by picking pixels; blend in full colour instead.
        image = image.convert("RGBA")
    elif image.mode == "1":
        image = image.convert("L")
    if image.size != target:
        image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if image.mode.startswith("I"):
        # 16-bit greyscale: keep the high byte (a plain convert would clip it to white).
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    upright = ImageOps.exif_transpose(image)  # transposed, or a copy: the small image only
    rgb = _to_rgb(upright)
    rgb.info = {}
    return rgb


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "La", "RGBa"):
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
