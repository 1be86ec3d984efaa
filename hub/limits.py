"""Every limit the API applies, and the words it uses for them, in one place (docs/API.md §6).

Settings that an operator may change (body sizes, throttle rates) stay in the settings; this
module reads them, so a message quoting a limit always quotes the one in force.
"""

from django.conf import settings

# Ids are positive 64-bit integers; anything larger is simply not found.
MAX_ID = 2**63 - 1
# A fast has at most this many days (staff forms and services refuse more).
MAX_FAST_DAYS = 400
# The widest date range a fast list may ask for; keeps the bare-array list bounded.
MAX_RANGE_DAYS = 731
# Page-number lists: items per page.
PAGE_SIZE = 10
# Limit/offset lists: the largest page, and the defaults of the two participants endpoints.
MAX_LIMIT = 100
PARTICIPANTS_DEFAULT_LIMIT = 6
PARTICIPANTS_PAGE_DEFAULT_LIMIT = 10
# JSON bodies nest at most this deep (no endpoint takes more than three levels).
MAX_JSON_DEPTH = 32
# Profile pictures: the stored thumbnail's size (centre-cropped).
PROFILE_THUMBNAIL_SIZE = (100, 100)


def megabytes(size: int) -> int:
    return size // (1024 * 1024)


def image_too_large_message() -> str:
    """What an upload over ``PROFILE_IMAGE_MAX_BYTES`` answers (a 413)."""
    return f"The image is larger than {megabytes(settings.PROFILE_IMAGE_MAX_BYTES)} MB."
