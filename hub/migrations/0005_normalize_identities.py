"""Usernames and emails in their one normal form (NFKC, then case-folded: ``hub.identity``).

Logins now look the username up exactly; accounts written before this rule (lower-cased only)
are rewritten once. An account whose normal form another account already holds is left as it
is (and named), for staff to merge by hand: two accounts are never folded into one here.
"""

import unicodedata

from django.db import migrations


def _normalize(value: str) -> str:
    # Frozen copy of hub.identity.email_normalize as of this migration.
    folded = unicodedata.normalize("NFKC", value.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def normalize_identities(apps, schema_editor):
    User = apps.get_model("auth", "User")
    taken = set(User.objects.values_list("username", flat=True))
    for pk, username, email in User.objects.order_by("pk").values_list("pk", "username", "email"):
        new_username = _normalize(username)
        new_email = _normalize(email) if email else email
        if new_username != username:
            if new_username in taken:
                print(f"\n  account {pk}: {new_username!r} is taken; left as {username!r}")
                new_username = username
            else:
                taken.add(new_username)
        if (new_username, new_email) != (username, email):
            User.objects.filter(pk=pk).update(username=new_username, email=new_email)


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0004_stored_values_by_triggers"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(normalize_identities, migrations.RunPython.noop)]
