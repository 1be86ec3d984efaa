"""Load the demo calendar: churches, their fasts for this year and the next, demo accounts.

Safe to run again: what exists (matched by church name, fast name + church + year, account
email, membership) is left untouched, so a second run changes nothing.

Rules (details next to each fast in ``hub/demo.py``):

* Armenian Apostolic Church, Western (Gregorian) Easter as kept in most dioceses:
  Fast of Nineveh (Easter-69 .. Easter-65, Monday to Friday three weeks before Lent; feast
  St Sarkis, Easter-64); Great Lent with Holy Week (Easter-48 .. Easter-1; feast Easter);
  Dormition Fast (Monday to Friday before the Sunday nearest August 15; feast that Sunday);
  Fast of the Nativity and Theophany (December 30 .. January 5; feast January 6); and the
  Wednesday and Friday fasts as one fast per year with non-contiguous days: every Wednesday
  and Friday except January 6-13, Easter through Pentecost, and days of the seasonal fasts.
  The weekly fasts have no feast date (a church has one fast per feast date).
* Eastern Orthodox Church, Orthodox Easter, fixed feasts on the Revised Julian calendar:
  Great Lent (Clean Monday, Easter-48, to Holy Saturday; feast Pascha); Apostles' Fast
  (Easter+57 to June 28 when that is not empty; feast Sts Peter and Paul, June 29);
  Dormition Fast (August 1-14; feast August 15); Nativity Fast (November 15 - December 24;
  feast December 25).
* Roman Catholic Church, Western Easter: Lent (Ash Wednesday, Easter-46, to Holy Saturday).

Demo accounts (printed at the end) join their church's fasts through the join service, so
participant counts are exact. A staff superuser is created for the admin.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.services.demo import demo_load


class Command(BaseCommand):
    help = "Load demo churches, fasts (this year and next, computed from Easter) and accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, default=None, help="First calendar year (default: this year)."
        )
        parser.add_argument(
            "--years", type=int, default=2, help="Number of years to load (default: 2)."
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the server will answer, for the printed URLs.",
        )
        parser.add_argument(
            "--allow-known-passwords",
            action="store_true",
            help="Run even with DEBUG off (the demo accounts have published passwords).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_known_passwords"]:
            raise CommandError(
                "DEBUG is off: the demo accounts have published passwords. "
                "Pass --allow-known-passwords to load them anyway."
            )
        first_year: int = options["year"] or dt.date.today().year
        if not 1900 <= first_year <= 2999 or not 1 <= options["years"] <= 10:
            raise CommandError("--year must be 1900-2999 and --years 1-10.")
        years = list(range(first_year, first_year + options["years"]))
        self.stdout.write(f"Loading the demo calendar for {', '.join(map(str, years))}")
        # Each church, fast and account line with -v 2; the summary always.
        progress = self.stdout.write if options["verbosity"] >= 2 else None
        result = demo_load(years=years, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {result.churches_created} churches, {result.fasts_created} fasts, "
                f"{result.users_created} accounts and {result.joins_created} joins created; "
                f"{result.fasts_existing} fasts already there, {result.fasts_skipped} skipped."
            )
        )
        call_command("demo_login_help", base_url=options["base_url"], stdout=self.stdout._out)
