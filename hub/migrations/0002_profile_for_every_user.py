"""Every user gets its profile in the transaction that creates the user, whatever creates it.

An AFTER INSERT trigger on auth_user inserts the profile row (every profile column has a
database default). Being part of the INSERT statement, it cannot be skipped by bulk_create,
raw SQL, the admin or the shell, and it rolls back with the user.
"""

from django.db import migrations

SQLITE_CREATE = """
CREATE TRIGGER hub_profile_for_new_user AFTER INSERT ON auth_user
BEGIN
    INSERT INTO hub_profile (user_id) VALUES (NEW.id);
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS hub_profile_for_new_user;"

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION hub_profile_for_new_user() RETURNS trigger AS $$
BEGIN
    INSERT INTO hub_profile (user_id) VALUES (NEW.id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER hub_profile_for_new_user AFTER INSERT ON auth_user
    FOR EACH ROW EXECUTE FUNCTION hub_profile_for_new_user();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS hub_profile_for_new_user ON auth_user;
DROP FUNCTION IF EXISTS hub_profile_for_new_user();
"""

BACKFILL = """
INSERT INTO hub_profile (user_id)
SELECT id FROM auth_user WHERE id NOT IN (SELECT user_id FROM hub_profile);
"""


def create_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_CREATE)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"No profile trigger for {vendor}")
    schema_editor.execute(BACKFILL)


def drop_trigger(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(SQLITE_DROP if vendor == "sqlite" else POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
