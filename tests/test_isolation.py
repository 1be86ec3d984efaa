"""What the root conftest gives every test: uploads never reach the project's ``media/``."""

from pathlib import Path

import pytest
from django.conf import settings

from hub.models import Profile
from tests.support.calls import CATALOGUE
from tests.support.measure import send
from tests.support.worlds import build_world

PROJECT_MEDIA = Path(__file__).resolve().parents[1] / "media"


def _listing(root: Path) -> dict[str, tuple[int, int]] | None:
    """Every file under ``root`` with its size and modification time; None when it is absent."""
    if not root.exists():
        return None
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
    }


@pytest.mark.django_db
def test_an_upload_from_the_catalogue_lands_in_the_tests_media_root(media_root: Path) -> None:
    assert Path(settings.MEDIA_ROOT) == media_root
    assert not media_root.is_relative_to(PROJECT_MEDIA.parent)
    before = _listing(PROJECT_MEDIA)
    world = build_world()
    call = CATALOGUE["profile-image-upload"](world)

    assert send(world, call).response.status_code == 200

    profile = Profile.objects.get(user=world.user)
    stored = [profile.profile_image.name, profile.profile_image_thumbnail.name]
    assert all(name and (media_root / name).is_file() for name in stored), stored
    assert _listing(PROJECT_MEDIA) == before
