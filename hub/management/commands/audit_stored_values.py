"""Compare every stored value with a recount of its rows; ``--repair`` fixes what drifted.

Checks each fast's participant count and calendar summary, each membership's copy of the
member's ``date_joined``, each day's church, and the per-member day index. The database keeps
all of them (migration 0004), so the expected answer is "nothing drifted". Exits with status 1
when something drifted and was not repaired, so a scheduled run can alert.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.services.stored_values import stored_values_audit, stored_values_repair


class Command(BaseCommand):
    help = "Audit every stored value (counts, summaries, day index) against a recount."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="Recompute the values that drifted."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["repair"]:
            for drift in stored_values_repair():
                self.stdout.write(f"repaired {drift}")
        drifts = stored_values_audit()
        for drift in drifts:
            self.stdout.write(self.style.ERROR(f"drift {drift}"))
        if drifts:
            raise CommandError(f"{len(drifts)} stored value(s) drifted; run with --repair.")
        self.stdout.write(self.style.SUCCESS("Every stored value equals its recount."))
