"""Field validators shared by models and API input."""

from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError


def validate_timezone(value: str) -> None:
    """Accept IANA zone names only (``Europe/Yerevan``), never a file path or an abbreviation."""
    if value not in _timezones():
        raise ValidationError(f"'{value}' is not a valid IANA time zone name.")


def timezone_or_none(value: str) -> ZoneInfo | None:
    return ZoneInfo(value) if value in _timezones() else None


_TIMEZONES: frozenset[str] = frozenset()


def _timezones() -> frozenset[str]:
    global _TIMEZONES
    if not _TIMEZONES:
        _TIMEZONES = frozenset(available_timezones())
    return _TIMEZONES
