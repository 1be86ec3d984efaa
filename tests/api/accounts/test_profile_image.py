import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from hub.models import Profile
from tests.support.images import image_bytes, png_claiming, profile_image_upload

pytestmark = pytest.mark.django_db

URL = reverse("profile-image-upload")
PROFILE = reverse("profile-detail")


def stored(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def jpeg_with_orientation_and_gps() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to display
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (40.0, 11.0, 0.0)
    return image_bytes("JPEG", size=(300, 200), exif=exif)


def test_jpeg_is_made_upright_stripped_and_thumbnailed(logged_in: Callable[..., Any]) -> None:
    user, client = logged_in()
    response = profile_image_upload(client, jpeg_with_orientation_and_gps())

    assert response.status_code == 200, response.content
    url = response.json()["profile_image"]
    assert url.startswith("http://testserver/media/profile_images/")
    profile = Profile.objects.get(user=user)
    with Image.open(stored(profile.profile_image.name)) as image:
        assert image.format == "JPEG"
        assert image.size == (200, 300)  # orientation applied
        exif = image.getexif()
        assert not exif.get_ifd(0x8825)  # no GPS
        assert 0x0112 not in exif
        assert "exif" not in image.info
    with Image.open(stored(profile.profile_image_thumbnail.name)) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (100, 100))

    me = client.get(PROFILE).json()
    assert me["profile_image"] == url
    assert me["thumbnail"].startswith("http://testserver/media/profile_images/thumbnails/")


@pytest.mark.parametrize(
    ("fmt", "name", "save"),
    [
        ("PNG", "me.png", {}),
        ("WEBP", "me.webp", {}),
        ("HEIF", "me.heic", {}),
    ],
)
def test_png_webp_heic_are_accepted(
    logged_in: Callable[..., Any], fmt: str, name: str, save: dict[str, Any]
) -> None:
    user, client = logged_in()
    response = profile_image_upload(
        client, image_bytes(fmt, size=(120, 80), **save), name=name, method="patch"
    )
    assert response.status_code == 200, response.content
    profile = Profile.objects.get(user=user)
    assert profile.profile_image.name.endswith(".jpg")
    with Image.open(stored(profile.profile_image.name)) as image:
        assert (image.format, image.size) == ("JPEG", (120, 80))


def test_png_with_transparency(logged_in: Callable[..., Any]) -> None:
    user, client = logged_in()
    buffer = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(buffer, format="PNG")
    assert profile_image_upload(client, buffer.getvalue(), name="t.png").status_code == 200
    with Image.open(stored(Profile.objects.get(user=user).profile_image.name)) as image:
        assert image.getpixel((10, 10)) == (255, 255, 255)  # composited on white


def test_replacing_removes_old_files(
    logged_in: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    user, client = logged_in()
    assert profile_image_upload(client, image_bytes()).status_code == 200
    first = Profile.objects.get(user=user)
    old = [stored(first.profile_image.name), stored(first.profile_image_thumbnail.name)]
    assert all(path.exists() for path in old)

    with django_capture_on_commit_callbacks(execute=True):
        assert profile_image_upload(client, image_bytes("PNG"), name="b.png").status_code == 200
    second = Profile.objects.get(user=user)
    assert not any(path.exists() for path in old)
    assert stored(second.profile_image.name).exists()
    assert stored(second.profile_image_thumbnail.name).exists()


def test_empty_value_clears_the_image(
    logged_in: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    user, client = logged_in()
    assert profile_image_upload(client, image_bytes()).status_code == 200
    first = Profile.objects.get(user=user)
    old = [stored(first.profile_image.name), stored(first.profile_image_thumbnail.name)]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(URL, {"profile_image": ""}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json() == {"profile_image": None, "thumbnail": None}
    cleared = Profile.objects.get(user=user)
    assert not cleared.profile_image and not cleared.profile_image_thumbnail
    assert not any(path.exists() for path in old)
    assert client.get(PROFILE).json()["thumbnail"] is None


def test_text_file_renamed_jpg_is_400(logged_in: Callable[..., Any]) -> None:
    user, client = logged_in()
    response = profile_image_upload(
        client, b"just some text, not a picture\n" * 20, name="fake.jpg"
    )
    assert response.status_code == 400
    assert "profile_image" in response.json()
    assert not Profile.objects.get(user=user).profile_image


def test_truncated_jpeg_is_400(logged_in: Callable[..., Any]) -> None:
    _, client = logged_in()
    data = image_bytes(size=(400, 400))
    assert profile_image_upload(client, data[: len(data) // 2]).status_code == 400


def test_unsupported_format_is_400(logged_in: Callable[..., Any]) -> None:
    _, client = logged_in()
    response = profile_image_upload(client, image_bytes("GIF"), name="a.gif")
    assert response.status_code == 400
    assert "format" in response.json()["profile_image"][0]


def test_six_megabytes_is_413(logged_in: Callable[..., Any]) -> None:
    user, client = logged_in()
    response = profile_image_upload(client, b"\xff" * (6 * 1024 * 1024))
    assert response.status_code == 413
    assert "detail" in response.json()
    assert not Profile.objects.get(user=user).profile_image


def test_just_over_the_limit_is_413(logged_in: Callable[..., Any]) -> None:
    # Passes the Content-Length guard (multipart allowance); the file size check catches it.
    _, client = logged_in()
    response = profile_image_upload(client, b"\xff" * (settings.PROFILE_IMAGE_MAX_BYTES + 1))
    assert response.status_code == 413


@pytest.mark.parametrize("size", [(30000, 30000), (10000, 6000)], ids=["bomb", "over-limit"])
def test_decompression_bomb_is_400(logged_in: Callable[..., Any], size: tuple[int, int]) -> None:
    _, client = logged_in()
    response = profile_image_upload(client, png_claiming(*size, color_type=2), name="bomb.png")
    assert response.status_code == 400
    assert "profile_image" in response.json()


def test_missing_file_and_wrong_media_type(logged_in: Callable[..., Any]) -> None:
    _, client = logged_in()
    assert client.put(URL, {}, format="multipart").status_code == 400
    not_a_file = client.put(URL, {"profile_image": "hello"}, format="multipart")
    assert not_a_file.status_code == 400
    json_body = client.put(URL, {"profile_image": None}, format="json")
    assert json_body.status_code == 415
    assert "detail" in json_body.json()


def test_upload_needs_authentication(db: None) -> None:
    assert profile_image_upload(APIClient(), image_bytes()).status_code == 401


def test_upload_query_cost(
    logged_in: Callable[..., Any], django_assert_max_num_queries: Any
) -> None:
    _, client = logged_in()
    # authentication + the profile row locked with its file names + one UPDATE (+ savepoint
    # statements inside the test transaction)
    with django_assert_max_num_queries(5):
        assert profile_image_upload(client, image_bytes()).status_code == 200
