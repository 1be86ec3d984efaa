"""Delete uploaded files that no row names any more.

Every path that replaces or removes a picture deletes the old files once its transaction has
committed, and removes its own new files when it fails. What is left: files stored by a process
that died between storing them and committing (a killed worker, a lost database connection),
and old fast images replaced through the admin (the admin keeps the file it replaced). This
command lists each folder the models upload to and deletes the files that no profile or fast
names, unless they are younger than ``--min-age`` (an upload in progress stores its files a
moment before it commits their names).

    python manage.py sweep_media --dry-run     # list only
    python manage.py sweep_media               # delete (run it daily, like flushexpiredtokens)

Works with any storage that can list folders (local disk, S3). Reads the referenced names in
chunks; memory grows with the number of stored pictures (a set of their names), not with rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.storage import Storage
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import FileField, Model
from django.utils import timezone

from hub.models import Fast, Profile

FILE_MODELS: tuple[type[Model], ...] = (Profile, Fast)


class Command(BaseCommand):
    help = "Delete uploaded files (pictures, thumbnails) that no profile or fast refers to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be deleted, delete nothing"
        )
        parser.add_argument(
            "--min-age",
            type=int,
            default=3600,
            help="seconds; younger files are kept (an upload may be about to commit them)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        cutoff = timezone.now() - dt.timedelta(seconds=options["min_age"])
        referenced = _referenced_names()
        kept = deleted = 0
        for storage, folder in _upload_folders():
            for name in _files_in(storage, folder):
                if name in referenced or _modified(storage, name) > cutoff:
                    kept += 1
                    continue
                deleted += 1
                self.stdout.write(f"{'would delete' if dry_run else 'deleted'} {name}")
                if not dry_run:
                    storage.delete(name)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"sweep_media: {verb} {deleted} unreferenced files, kept {kept}")


def _file_fields() -> list[tuple[type[Model], FileField]]:
    return [
        (model, field)
        for model in FILE_MODELS
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    ]


def _referenced_names() -> set[str]:
    names: set[str] = set()
    for model, field in _file_fields():
        rows = model._default_manager.exclude(**{field.name: ""}).exclude(
            **{f"{field.name}__isnull": True}
        )
        names.update(rows.values_list(field.name, flat=True).iterator(chunk_size=2000))
    return names


def _upload_folders() -> list[tuple[Storage, str]]:
    """(storage, folder) for each field's ``upload_to``, each folder once."""
    seen: set[tuple[int, str]] = set()
    folders = []
    for _, field in _file_fields():
        folder = str(field.upload_to).rstrip("/")
        if (id(field.storage), folder) not in seen:
            seen.add((id(field.storage), folder))
            folders.append((field.storage, folder))
    return folders


def _files_in(storage: Storage, folder: str) -> list[str]:
    try:
        _, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in files]


def _modified(storage: Storage, name: str) -> dt.datetime:
    modified = storage.get_modified_time(name)
    return modified if timezone.is_aware(modified) else timezone.make_aware(modified, dt.UTC)
