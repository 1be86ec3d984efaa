"""Record the OpenAPI response examples from real responses of the running code.

The command builds a small, fixed data set (two churches, three fasts of 2026, three members)
in the current database, sends real requests through the whole stack (URL routing,
authentication with real JWTs, throttles, views, serializers, the JSON exception handler) and
writes each response body to ``hub/api/examples/<operation>.<status>[.<variant>].json``, where
``<operation>`` is the URL name. ``hub.api.schema.examples_for`` attaches those files to the
documented operations, and tests/api/test_schema_examples.py fails when a response's shape no
longer matches its committed example.

Tokens are shortened; everything else is verbatim. JWT strings are replaced by
``eyJhbGciOi...<access>`` / ``eyJhbGciOi...<refresh>`` after recording, because a real token
changes on every run and means nothing to a reader.

Nothing is left behind: everything runs inside one transaction that is rolled back at the end,
no email is sent (an in-memory mail backend), and the cache is a private in-memory one (a
shared cache would otherwise keep entries keyed by the rolled-back rows' ids and cache
versions, which later real rows may reuse). Ids are whatever the database hands out; run the
command on a freshly migrated database, as for the committed files, so they start at 1::

    DATABASE_URL=sqlite:////tmp/examples.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/examples.sqlite3 python manage.py record_api_examples

"Now" is frozen at 2026-03-10 09:00 UTC by patching ``django.utils.timezone.now`` only, so
"today", countdowns, day numbers and ``date_joined`` are the same on every run. Wall-clock time
(``time.time`` and ``datetime.now``) is left alone on purpose: simplejwt signs and checks token
expiry with it and the throttles count with it, so the tokens stay valid and a throttle window
behaves as in production; freezing every clock would issue tokens that are already expired.
"""

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from hub.models import Church, Fast
from hub.services.fasts import fast_create_from_range
from hub.services.memberships import fast_join

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "api" / "examples"
FROZEN_NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
HOST = "api.example.org"
PASSWORD = "a-long-Passphrase!"  # noqa: S105 (accounts that only live inside the rollback)
JWT = re.compile(r"^eyJ[\w-]+\.[\w-]+\.[\w-]+$")
UNKNOWN_ID = 999999


class Command(BaseCommand):
    help = "Record the OpenAPI response examples (hub/api/examples/) from real responses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=EXAMPLES_DIR, help="Directory for the JSON files."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the data set is rolled back, but it is written first).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this writes (then rolls back) example rows in this database. "
                "Pass --force to run it anyway."
            )
        written = api_examples_record(out_dir=options["output"])
        self.stdout.write(self.style.SUCCESS(f"{len(written)} examples written"))


def api_examples_record(*, out_dir: Path) -> list[Path]:
    """Record every example into ``out_dir``; the database is left as it was."""
    with _isolated_run(), transaction.atomic():
        try:
            recorded = list(_responses())
        finally:
            transaction.set_rollback(True)
    # Only once every request was answered: a failed run leaves the committed files alone.
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.json"):
        stale.unlink()
    written: list[Path] = []
    for name, body in recorded:
        path = out_dir / f"{name}.json"
        path.write_text(json.dumps(_shorten_tokens(body), indent=2) + "\n")
        written.append(path)
    return written


@contextmanager
def _isolated_run() -> Iterator[None]:
    cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "record-api-examples",
        }
    }
    with (
        # The password reset example must not mail anyone: its messages stay in memory.
        override_settings(
            CACHES=cache,
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, HOST],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
        mock.patch("django.utils.timezone.now", return_value=FROZEN_NOW),
    ):
        yield


def _client(user: User | None = None) -> APIClient:
    client = APIClient(SERVER_NAME=HOST)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def _user(email: str, **profile_fields: Any) -> User:
    user = User.objects.create_user(username=email, email=email, password=PASSWORD)
    profile = user.profile  # made by the database trigger
    for field, value in profile_fields.items():
        setattr(profile, field, value)
    profile.save()
    return user


def _fast(church: Church, name: str, first: dt.date, days: int, **fields: Any) -> Fast:
    return fast_create_from_range(
        name=name, church=church, first_date=first, number_of_days=days, **fields
    )


@dataclass(frozen=True)
class _World:
    """The data set every example is recorded against."""

    church: Church
    nineveh: Fast
    lent: Fast
    dormition: Fast
    anna: User  # the member whose requests are recorded
    bedros: User


def _world() -> _World:
    church = Church.objects.create(name="St. Gregory the Illuminator Cathedral")
    Church.objects.create(name="St. Vartan Cathedral")
    nineveh = _fast(
        church,
        "Fast of Nineveh",
        dt.date(2026, 1, 26),
        5,
        description="Five days of fasting in remembrance of the repentance of Nineveh.",
        culmination_feast="Feast of St. Sarkis",
        culmination_feast_date=dt.date(2026, 1, 31),
    )
    lent = _fast(
        church,
        "Great Lent",
        dt.date(2026, 2, 16),
        48,
        description="Forty days of Lent and Holy Week, before Easter.",
        culmination_feast="Easter",
        culmination_feast_date=dt.date(2026, 4, 5),
        url="https://example.org/great-lent",
    )
    dormition = _fast(
        church,
        "Dormition Fast",
        dt.date(2026, 8, 10),
        5,
        description="Five days before the Assumption of the Holy Mother of God.",
    )
    anna = _user(
        "anna@example.org", name="Anna", church=church, location="Yerevan", timezone="Asia/Yerevan"
    )
    bedros = _user("bedros@example.org", name="Bedros", church=church, location="Boston")
    unnamed = _user("k.hakobyan@example.org", church=church)  # shown by its abbreviation
    for user, fast in [(anna, lent), (anna, nineveh), (bedros, lent), (unnamed, lent)]:
        fast_join(profile=user.profile, fast_id=fast.pk)
    return _World(church, nineveh, lent, dormition, anna, bedros)


Example = tuple[str, Any]


class _Recorder:
    """Sends requests as an anonymous client or a member and names their answers."""

    def __init__(self, world: _World) -> None:
        self.world = world
        self.anonymous, self.member = _client(), _client(world.anna)

    def get(self, client: APIClient, path: str, **params: Any) -> Any:
        return client.get(path, params, secure=True)

    def send(self, client: APIClient, method: str, path: str, body: Any) -> Any:
        return getattr(client, method)(path, body, format="json", secure=True)

    @staticmethod
    def named(operation: str, response: Any, variant: str = "") -> Example:
        suffix = f".{variant}" if variant else ""
        body = response.json() if response.content else None
        return f"{operation}.{response.status_code}{suffix}", body


def _responses() -> Iterator[Example]:
    """(``<operation>.<status>[.<variant>]``, body) for every recorded request, in order."""
    recorder = _Recorder(_world())
    for area in (_churches, _fasts, _membership, _member_reads, _legacy, _accounts):
        yield from area(recorder)


def _churches(r: _Recorder) -> Iterator[Example]:
    church = r.world.church
    yield r.named("health", r.get(r.anonymous, "/health/"))
    yield r.named("church-list", r.get(r.anonymous, "/api/churches/"))
    yield r.named("church-list", r.get(r.anonymous, "/api/churches/", page=9))
    yield r.named("church-detail", r.get(r.anonymous, f"/api/churches/{church.pk}/"))
    yield r.named("church-detail", r.get(r.anonymous, f"/api/churches/{UNKNOWN_ID}/"))


def _fasts(r: _Recorder) -> Iterator[Example]:
    lent = r.world.lent
    yield r.named("fast-list", r.get(r.member, "/api/fasts/"))
    yield r.named("fast-list", r.get(r.anonymous, "/api/fasts/"))
    yield r.named("fast-detail", r.get(r.member, f"/api/fasts/{lent.pk}/"))
    yield r.named("fast-detail", r.get(r.member, f"/api/fasts/{UNKNOWN_ID}/"))
    yield r.named("fast-by-date", r.get(r.member, "/api/fasts/by-date/", date="2026-03-10"))
    yield r.named("fast-by-date", r.get(r.member, "/api/fasts/by-date/", date="2026-13-01"))
    yield r.named(
        "fast-by-feast-date", r.get(r.member, "/api/fasts/by-feast-date/", date="2026-04-05")
    )


def _membership(r: _Recorder) -> Iterator[Example]:
    lent, dormition, bedros = r.world.lent, r.world.dormition, _client(r.world.bedros)
    join, leave = "/api/fasts/join/", "/api/fasts/leave/"
    yield r.named("fast-join", r.send(bedros, "put", join, {"fast_id": dormition.pk}))
    yield r.named("fast-join", r.send(r.member, "put", join, {"fast_id": lent.pk}))
    yield r.named("fast-join", r.send(r.member, "put", join, {"fast_id": UNKNOWN_ID}))
    yield r.named("fast-join", r.send(r.anonymous, "put", join, {"fast_id": lent.pk}))
    yield r.named("leave-fast", r.send(bedros, "put", leave, {"fast_id": dormition.pk}))
    yield r.named("leave-fast", r.send(r.member, "put", leave, {"fast_id": dormition.pk}))


def _member_reads(r: _Recorder) -> Iterator[Example]:
    lent = r.world.lent
    yield r.named("fast-stats", r.get(r.member, "/api/fasts/stats/"))
    yield r.named("fast-stats", r.get(r.anonymous, "/api/fasts/stats/"))
    yield r.named("fast-participants", r.get(r.member, f"/api/fasts/{lent.pk}/participants/"))
    yield r.named("fast-participants", r.get(r.member, f"/api/fasts/{UNKNOWN_ID}/participants/"))
    yield r.named(
        "fast-participants-paginated",
        r.get(r.member, f"/api/fasts/{lent.pk}/participants/paginated/", limit=2, offset=0),
    )
    yield r.named("fast-days-list", r.get(r.anonymous, f"/api/fasts/{lent.pk}/days/"))
    yield r.named("user-days", r.get(r.member, "/api/user/days/"))
    yield r.named("user-days", r.get(r.anonymous, "/api/user/days/"))
    yield r.named("profile-detail", r.get(r.member, "/api/profile/"))
    yield r.named("profile-detail", r.get(r.anonymous, "/api/profile/"))


def _legacy(r: _Recorder) -> Iterator[Example]:
    church_id = {"church_id": r.world.church.pk}
    yield r.named("fast_on_date", r.get(r.anonymous, "/api/fast/", date="20260310", **church_id))
    yield r.named(
        "fast_on_date",
        r.get(r.anonymous, "/api/fast/", date="20260601", **church_id),
        "no-fast",
    )
    yield r.named("fast_on_date", r.get(r.anonymous, "/api/fast/", date="2026-3-10", **church_id))
    yield r.named("fast_on_date_user", r.get(r.member, "/api/user/fasts/", date="20260310"))


def _accounts(r: _Recorder) -> Iterator[Example]:
    anonymous = r.anonymous
    login = {"email": "anna@example.org", "password": PASSWORD}
    yield r.named("token_obtain_pair", r.send(anonymous, "post", "/api/token/", login))
    missing = {"email": "anna@example.org"}
    yield r.named("token_obtain_pair", r.send(anonymous, "post", "/api/token/", missing))
    wrong = {"email": "bedros@example.org", "password": "not-the-password"}
    yield r.named("token_obtain_pair", r.send(anonymous, "post", "/api/token/", wrong))
    for _ in range(100):  # until the per-account login limit answers
        response = r.send(anonymous, "post", "/api/token/", wrong)
        if response.status_code == 429:
            yield r.named("token_obtain_pair", response)
            break
    refresh = {"refresh": str(RefreshToken.for_user(r.world.anna))}
    yield r.named("token_refresh", r.send(anonymous, "post", "/api/token/refresh/", refresh))
    yield r.named("token_refresh", r.send(anonymous, "post", "/api/token/refresh/", refresh))
    register = {
        "email": "lilit@example.org",
        "password": PASSWORD,
        "password2": PASSWORD,
        "profile": {"name": "Lilit", "church": r.world.church.pk},
    }
    yield r.named("auth_register", r.send(anonymous, "post", "/api/register/", register))
    yield r.named("auth_register", r.send(anonymous, "post", "/api/register/", register))
    reset = {"email": "anna@example.org"}
    yield r.named("password_reset", r.send(anonymous, "post", "/api/password/reset/", reset))


def _shorten_tokens(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _shorten_tokens(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten_tokens(item, key) for item in value]
    if isinstance(value, str) and JWT.match(value):
        return f"eyJhbGciOi...<{key or 'token'}>"
    return value
