"""Small readers for environment variables, so every setting says its default in one place."""

import os
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


class SmtpUrl(NamedTuple):
    """Django's SMTP settings read from one URL (``EMAIL_URL``)."""

    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    timeout: int


def smtp_url(url: str) -> SmtpUrl:
    """``smtp://user:password@host:587`` (STARTTLS) or ``smtps://user:password@host:465``.

    STARTTLS is on for ``smtp://`` except on port 25 (``?tls=true|false`` decides otherwise);
    ``smtps://`` is TLS from the first byte. User and password are percent-decoded (``%40`` for
    an ``@``). ``?timeout=N`` seconds, default 10.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("EMAIL_URL must look like smtp://user:password@host:587 (or smtps://)")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    use_ssl = parts.scheme == "smtps"
    port = parts.port or (465 if use_ssl else 587)
    use_tls = not use_ssl and port != 25
    if "tls" in query:
        use_tls = not use_ssl and query["tls"].strip().lower() in {"1", "true", "yes", "on"}
    return SmtpUrl(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=use_tls,
        use_ssl=use_ssl,
        timeout=int(query.get("timeout", "10")),
    )
