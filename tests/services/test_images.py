import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hub.models import Fast
from hub.services import images
from tests.support.factories import make_church, make_fast
from tests.support.images import image_bytes

BANNER = (1600, 900)


def test_thumbnail_make_exact_box_and_width_only() -> None:
    image = Image.new("RGB", (300, 200))
    assert images.thumbnail_make(image=image, width=100, height=100).size == (100, 100)
    assert images.thumbnail_make(image=image, width=150).size == (150, 100)
    assert images.thumbnail_make(image=image, width=800).size == (300, 200)  # never upscaled


def test_image_normalize_limits_the_stored_size() -> None:
    source = io.BytesIO(image_bytes(size=(4000, 1000)))
    assert images.image_normalize(source=source).size == (2048, 512)


def test_image_normalize_refuses_non_images_and_big_files() -> None:
    with pytest.raises(images.ImageInvalid):
        images.image_normalize(source=io.BytesIO(b"hello"))
    with pytest.raises(images.ImageTooLarge):
        images.image_normalize(source=io.BytesIO(image_bytes(size=BANNER)), max_bytes=100)


@pytest.mark.django_db
def test_fast_image_gets_an_800px_wide_jpeg_thumbnail(media_root: Path) -> None:
    fast = make_fast(church=make_church())
    fast.image = SimpleUploadedFile("banner.png", image_bytes("PNG", size=BANNER))
    fast.save()

    fast.refresh_from_db()
    assert fast.image.name.startswith("fast_images/banner")
    assert fast.image_thumbnail.name.startswith("fast_images/thumbnails/")
    with Image.open(media_root / fast.image_thumbnail.name) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (800, 450))
    with Image.open(media_root / fast.image.name) as original:
        assert original.size == (1600, 900)  # the uploaded file itself is stored intact


@pytest.mark.django_db
def test_fast_thumbnail_follows_image_changes(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    fast = make_fast(
        church=make_church(), image=ContentFile(image_bytes(size=BANNER), name="a.jpg")
    )
    first_thumb = media_root / fast.image_thumbnail.name
    assert first_thumb.exists()

    fast.name = "Renamed"
    fast.save()  # no image change: the same thumbnail
    assert media_root / Fast.objects.get(pk=fast.pk).image_thumbnail.name == first_thumb

    with django_capture_on_commit_callbacks(execute=True):
        fast.image = ContentFile(image_bytes(size=(1000, 1000)), name="b.jpg")
        fast.save()
    stored = Fast.objects.get(pk=fast.pk)
    assert not first_thumb.exists()
    with Image.open(media_root / stored.image_thumbnail.name) as thumb:
        assert thumb.size == (800, 800)

    second_thumb = media_root / stored.image_thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        fast.image = None
        fast.save()
    assert not Fast.objects.get(pk=fast.pk).image_thumbnail
    assert not second_thumb.exists()


@pytest.mark.django_db
def test_fast_with_an_undecodable_image_still_saves() -> None:
    fast = make_fast(church=make_church(), image=ContentFile(b"not a picture", name="x.jpg"))
    stored = Fast.objects.get(pk=fast.pk)
    assert stored.image and not stored.image_thumbnail
