"""Reading query parameters: each malformed value is a 400 with a clear message
(docs/API.md §1.4, §1.6)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.utils import timezone
from rest_framework.request import Request

from hub.api.errors import BadRequest
from hub.limits import MAX_ID
from hub.models import Church, Profile
from hub.selectors.churches import church_by_id
from hub.validators import timezone_or_none

UTC = ZoneInfo("UTC")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def caller_profile(request: Request) -> Profile | None:
    """The authenticated caller's profile (loaded with authentication: no query), else None."""
    user = request.user
    if user is None or not user.is_authenticated:
        return None
    return user.profile


def request_zone(request: Request) -> ZoneInfo:
    """``tz`` parameter, else the caller's profile time zone, else UTC."""
    name = request.query_params.get("tz") or None  # an empty tz= is no tz at all
    if name is not None:
        zone = timezone_or_none(name)
        if zone is None:
            raise BadRequest(
                f"Unknown time zone '{name[:64]}'. Use an IANA name such as Europe/Paris.",
                code="invalid_timezone",
            )
        return zone
    profile = caller_profile(request)
    if profile is not None:
        return timezone_or_none(profile.timezone) or UTC
    return UTC


def request_today(request: Request) -> dt.date:
    """T: the calendar date now in the request's time zone."""
    return timezone.now().astimezone(request_zone(request)).date()


def iso_date_param(request: Request, name: str, default: dt.date | None = None) -> dt.date:
    raw = request.query_params.get(name)
    if raw is None:
        if default is None:
            raise BadRequest(f"{name} query parameter is required.", code="parameter_required")
        return default
    # Strictly YYYY-MM-DD: Python also parses week dates such as 2026-W10-2.
    if not _ISO_DATE.match(raw):
        return _invalid_date(name)
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return _invalid_date(name)


def legacy_date_param(request: Request, name: str, default: dt.date) -> dt.date:
    """A ``YYYY-MM-DD`` or ``YYYYMMDD`` date (the legacy endpoints take both: the original
    service's mobile client sends ISO dates there)."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if _ISO_DATE.match(raw):
        return iso_date_param(request, name)
    try:
        if len(raw) != 8 or not raw.isdigit():
            raise ValueError
        return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise BadRequest(
            f"{name} must be a date in YYYY-MM-DD (or YYYYMMDD) format, e.g. 2026-03-10.",
            code="invalid_date",
        ) from None


def _invalid_date(name: str) -> dt.date:
    raise BadRequest(
        f"{name} must be a valid date in YYYY-MM-DD format, e.g. 2026-03-10.", code="invalid_date"
    )


def church_context(request: Request) -> Church:
    """The church whose calendar is asked for (docs/API.md §3.1, "Church context").

    Authenticated: the profile's church, already loaded with authentication (no query).
    Anonymous: ``church_id``, one query that also yields the church's cache version.
    """
    profile = caller_profile(request)
    if profile is not None:
        if profile.church is None:
            raise BadRequest("No church associated with your profile.", code="church_required")
        return profile.church
    raw = request.query_params.get("church_id")
    if raw is None or raw == "":
        raise BadRequest("church_id query parameter is required.", code="church_id_required")
    try:
        church_id = int(raw)
    except ValueError:
        raise BadRequest("church_id must be an integer.", code="invalid_church_id") from None
    church = church_by_id(church_id=church_id) if 0 < church_id <= MAX_ID else None
    if church is None:
        raise BadRequest("Church with the provided ID does not exist.", code="church_not_found")
    return church
