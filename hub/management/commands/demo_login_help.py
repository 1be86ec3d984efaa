"""Print how to log in to the demo: the accounts load_demo_calendar creates, and the URLs."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hub.demo import ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo accounts and the API, docs and admin URLs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        base = options["base_url"].rstrip("/")
        lines = [
            "",
            "Fasthub demo",
            f"  API:        {base}/api/",
            f"  API docs:   {base}/api/docs/",
            f"  Admin:      {base}/admin/",
            "",
            f"  Staff (admin):  {ADMIN_EMAIL} / {ADMIN_PASSWORD}",
            *(
                f"  {user.name + ':':<15} {user.email} / {DEMO_PASSWORD}  ({user.church})"
                for user in DEMO_USERS
            ),
            "",
            f"  Get a token: POST {base}/api/token/ with an account's email and password.",
            "",
        ]
        self.stdout.write("\n".join(lines))
