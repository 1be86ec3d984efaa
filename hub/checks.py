"""Deployment checks (``manage.py check --deploy``; ``scripts/serve-production`` fails on them).

* ``hub.W001``: uploaded pictures are stored on this server's disk but ``MEDIA_URL`` is a bare
  path. Only ``DEBUG`` serves ``/media/``, so every picture URL would answer 404.
* ``hub.W002``: ``PASSWORD_RESET_URL`` points at this machine or is not HTTPS: reset mails would
  carry a link no user can open, or one that travels in clear.
"""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.core.files.storage import FileSystemStorage, default_storage

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "testserver"}  # noqa: S104


@register(Tags.security, deploy=True)
def media_is_reachable(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or not isinstance(default_storage, FileSystemStorage):
        return []
    url = urlsplit(str(settings.MEDIA_URL))
    if url.scheme in ("http", "https") and url.netloc:
        return []
    return [
        Warning(
            f"Uploaded pictures are stored on this server's disk (MEDIA_ROOT) and linked as "
            f"{settings.MEDIA_URL}..., which only DEBUG serves: their URLs would answer 404.",
            hint="Set AWS_STORAGE_BUCKET_NAME to keep them in object storage, or MEDIA_URL to "
            "the public https:// URL of a web server that serves MEDIA_ROOT.",
            id="hub.W001",
        )
    ]


@register(Tags.security, deploy=True)
def password_reset_link_is_public(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    url = urlsplit(str(settings.PASSWORD_RESET_URL))
    if url.scheme == "https" and (url.hostname or "") not in LOCAL_HOSTS:
        return []
    return [
        Warning(
            f"PASSWORD_RESET_URL is {settings.PASSWORD_RESET_URL}: reset mails would link to "
            "this machine or over plain HTTP.",
            hint="Set PASSWORD_RESET_URL to the https:// address of the app's reset page.",
            id="hub.W002",
        )
    ]
