"""Field validators shared by models and API input."""

from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError

# The areas of the IANA time zone database's Area/Location names (Asia/Yerevan,
# America/Argentina/Buenos_Aires, Etc/GMT+5). UTC is accepted as itself: it is the default.
IANA_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
        "Etc",
    }
)


def validate_timezone(value: str) -> None:
    """Accept IANA Area/Location names and ``UTC`` only.

    Refused: names that are only files of this machine's zoneinfo directory (``localtime``,
    ``Factory``, ``posixrules``), legacy abbreviations and country aliases (``EST``, ``CET``,
    ``GB``, ``US/Eastern``), paths and anything ``ZoneInfo`` cannot load.
    """
    if value not in _timezones():
        raise ValidationError(f"'{value}' is not a valid IANA time zone name.")


def timezone_or_none(value: str) -> ZoneInfo | None:
    return ZoneInfo(value) if value in _timezones() else None


_TIMEZONES: frozenset[str] = frozenset()


def _is_iana_name(name: str) -> bool:
    area, _, location = name.partition("/")
    return name == "UTC" or (area in IANA_AREAS and bool(location))


def _timezones() -> frozenset[str]:
    global _TIMEZONES
    if not _TIMEZONES:
        _TIMEZONES = frozenset(name for name in available_timezones() if _is_iana_name(name))
    return _TIMEZONES
