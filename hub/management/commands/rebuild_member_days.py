"""Recompute the per-member day index (``hub_member_day``) from memberships and days.

Joins, leaves and day edits keep it exact; run this after writes that bypassed them (raw SQL,
bulk day inserts into a fast that already has members, a restored backup).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from hub.services.member_days import member_days_rebuild


class Command(BaseCommand):
    help = "Recompute the days each member keeps (for /api/user/days/) from memberships and days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fast", type=int, action="append", help="Only these fast ids.")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            written = member_days_rebuild(fast_ids=options["fast"])
        self.stdout.write(self.style.SUCCESS(f"{written} member day(s) written."))
