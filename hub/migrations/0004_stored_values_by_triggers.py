"""Every stored value is kept by the database itself, whatever writes the rows it derives from.

Before this migration the services and a few signal receivers kept the stored values; Django's
M2M managers, ``bulk_create``, queryset ``update``/``delete`` and raw SQL went around them. Now
triggers, part of the statement that changes the rows, keep them, and roll back with it:

* a membership row (``hub_profile_fasts``) inserted, deleted or moved: the fast's
  ``participant_count``, the member's rows in ``hub_member_day``, ``member_since`` (a copy of
  the member's ``auth_user.date_joined``) and the member's ``hub_profile.cache_version``;
* a day inserted, deleted, re-dated or moved: the fast's summary (``first_day``, ``last_day``,
  ``day_count``, ``year``), the day's ``hub_member_day`` rows, the ``cache_version`` of every
  member of the fasts concerned; a day always belongs to its fast's church;
* a fast inserted, changed or deleted: its church's ``cache_version`` (the fast list and fast
  detail are cached under it); a fast moved to another church takes its days along; a new
  fast starts with empty stored values (no writer can give it a count it does not have);
* a church renamed: its ``cache_version``;
* a password changed or an account deactivated: every unexpired refresh token of the user is
  blacklisted; a refresh token whose user is deleted is blacklisted;
* ``date_joined`` changed: the member's ``member_since`` follows.

Lock order, the same in every trigger: fast rows, then church rows (through the fast's own
trigger), then profile rows; PostgreSQL takes each set in id order, so concurrent writers queue
instead of deadlocking. PostgreSQL runs the membership, day and fast triggers once per
statement over its transition tables (a bulk insert of 5,000 memberships bumps each fast and
profile once); SQLite, which has only row triggers, runs them per row.

The stored values are recomputed once from the rows before the triggers are installed.
"""

from django.db import migrations, models
from django.db.models.functions import Now

# --- SQLite ------------------------------------------------------------------------------------

SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"


def _sqlite_summary(fast_ids: str) -> str:
    """Recompute the calendar summary of the fasts whose ids are in ``fast_ids``."""
    days = "FROM hub_day d WHERE d.fast_id = hub_fast.id"
    return f"""
    UPDATE hub_fast SET
        first_day = (SELECT MIN(d.date) {days}),
        last_day = (SELECT MAX(d.date) {days}),
        day_count = (SELECT COUNT(*) {days}),
        year = (SELECT CAST(substr(MIN(d.date), 1, 4) AS INTEGER) {days})
    WHERE id IN ({fast_ids});"""


def _sqlite_members_bump(fast_ids: str) -> str:
    return f"""
    UPDATE hub_profile SET cache_version = cache_version + 1
    WHERE id IN (SELECT m.profile_id FROM hub_profile_fasts m WHERE m.fast_id IN ({fast_ids}));"""


def _sqlite_membership_added(row: str) -> str:
    return f"""
    UPDATE hub_profile_fasts SET member_since = (
        SELECT u.date_joined FROM hub_profile p JOIN auth_user u ON u.id = p.user_id
        WHERE p.id = {row}.profile_id)
    WHERE id = {row}.id;
    UPDATE hub_fast SET participant_count = participant_count + 1 WHERE id = {row}.fast_id;
    INSERT INTO hub_member_day (profile_id, day_id, fast_id, date)
        SELECT {row}.profile_id, d.id, d.fast_id, d.date FROM hub_day d
        WHERE d.fast_id = {row}.fast_id;
    UPDATE hub_profile SET cache_version = cache_version + 1 WHERE id = {row}.profile_id;"""


def _sqlite_membership_removed(row: str) -> str:
    return f"""
    UPDATE hub_fast SET participant_count = participant_count - 1 WHERE id = {row}.fast_id;
    DELETE FROM hub_member_day WHERE profile_id = {row}.profile_id AND fast_id = {row}.fast_id;
    UPDATE hub_profile SET cache_version = cache_version + 1 WHERE id = {row}.profile_id;"""


def _sqlite_day_follows_church(row: str) -> str:
    fast_church = f"(SELECT f.church_id FROM hub_fast f WHERE f.id = {row}.fast_id)"
    return f"""
    UPDATE hub_day SET church_id = {fast_church}
    WHERE id = {row}.id AND {row}.fast_id IS NOT NULL AND church_id IS NOT {fast_church};"""


def _sqlite_blacklist(where: str) -> str:
    return f"""
    INSERT OR IGNORE INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at)
        SELECT o.id, {SQLITE_NOW} FROM token_blacklist_outstandingtoken o WHERE {where};"""


SQLITE_TRIGGERS = {
    "hub_membership_insert": f"""
CREATE TRIGGER hub_membership_insert AFTER INSERT ON hub_profile_fasts
BEGIN {_sqlite_membership_added("NEW")}
END;""",
    "hub_membership_delete": f"""
CREATE TRIGGER hub_membership_delete AFTER DELETE ON hub_profile_fasts
BEGIN {_sqlite_membership_removed("OLD")}
END;""",
    "hub_membership_move": f"""
CREATE TRIGGER hub_membership_move AFTER UPDATE OF profile_id, fast_id ON hub_profile_fasts
WHEN OLD.profile_id IS NOT NEW.profile_id OR OLD.fast_id IS NOT NEW.fast_id
BEGIN {_sqlite_membership_removed("OLD")} {_sqlite_membership_added("NEW")}
END;""",
    "hub_day_insert": f"""
CREATE TRIGGER hub_day_insert AFTER INSERT ON hub_day
BEGIN {_sqlite_day_follows_church("NEW")}
    INSERT INTO hub_member_day (profile_id, day_id, fast_id, date)
        SELECT m.profile_id, NEW.id, NEW.fast_id, NEW.date FROM hub_profile_fasts m
        WHERE m.fast_id = NEW.fast_id;
    {_sqlite_summary("NEW.fast_id")} {_sqlite_members_bump("NEW.fast_id")}
END;""",
    "hub_day_delete": f"""
CREATE TRIGGER hub_day_delete AFTER DELETE ON hub_day
BEGIN
    DELETE FROM hub_member_day WHERE day_id = OLD.id;
    {_sqlite_summary("OLD.fast_id")} {_sqlite_members_bump("OLD.fast_id")}
END;""",
    "hub_day_move": f"""
CREATE TRIGGER hub_day_move AFTER UPDATE OF date, fast_id ON hub_day
WHEN OLD.date IS NOT NEW.date OR OLD.fast_id IS NOT NEW.fast_id
BEGIN {_sqlite_day_follows_church("NEW")}
    DELETE FROM hub_member_day WHERE day_id = OLD.id;
    INSERT INTO hub_member_day (profile_id, day_id, fast_id, date)
        SELECT m.profile_id, NEW.id, NEW.fast_id, NEW.date FROM hub_profile_fasts m
        WHERE m.fast_id = NEW.fast_id;
    {_sqlite_summary("OLD.fast_id, NEW.fast_id")}
    {_sqlite_members_bump("OLD.fast_id, NEW.fast_id")}
END;""",
    "hub_day_church": f"""
CREATE TRIGGER hub_day_church AFTER UPDATE OF church_id ON hub_day
BEGIN {_sqlite_day_follows_church("NEW")}
END;""",
    "hub_fast_insert": """
CREATE TRIGGER hub_fast_insert AFTER INSERT ON hub_fast
BEGIN
    UPDATE hub_fast SET first_day = NULL, last_day = NULL, day_count = 0, year = NULL,
        participant_count = 0
    WHERE id = NEW.id AND (first_day IS NOT NULL OR last_day IS NOT NULL OR day_count <> 0
        OR year IS NOT NULL OR participant_count <> 0);
    UPDATE hub_church SET cache_version = cache_version + 1 WHERE id = NEW.church_id;
END;""",
    "hub_fast_update": """
CREATE TRIGGER hub_fast_update AFTER UPDATE ON hub_fast
BEGIN
    UPDATE hub_church SET cache_version = cache_version + 1
    WHERE id IN (OLD.church_id, NEW.church_id);
END;""",
    "hub_fast_church": """
CREATE TRIGGER hub_fast_church AFTER UPDATE OF church_id ON hub_fast
WHEN OLD.church_id IS NOT NEW.church_id
BEGIN
    UPDATE hub_day SET church_id = NEW.church_id WHERE fast_id = NEW.id;
END;""",
    "hub_fast_delete": """
CREATE TRIGGER hub_fast_delete AFTER DELETE ON hub_fast
BEGIN
    UPDATE hub_church SET cache_version = cache_version + 1 WHERE id = OLD.church_id;
END;""",
    "hub_church_update": """
CREATE TRIGGER hub_church_update AFTER UPDATE ON hub_church
WHEN NEW.cache_version = OLD.cache_version AND NEW.name IS NOT OLD.name
BEGIN
    UPDATE hub_church SET cache_version = cache_version + 1 WHERE id = NEW.id;
END;""",
    "hub_user_credentials": f"""
CREATE TRIGGER hub_user_credentials AFTER UPDATE OF password, is_active ON auth_user
WHEN OLD.password IS NOT NEW.password OR (OLD.is_active AND NOT NEW.is_active)
BEGIN {_sqlite_blacklist(f"o.user_id = NEW.id AND o.expires_at > {SQLITE_NOW}")}
END;""",
    "hub_user_date_joined": """
CREATE TRIGGER hub_user_date_joined AFTER UPDATE OF date_joined ON auth_user
WHEN OLD.date_joined IS NOT NEW.date_joined
BEGIN
    UPDATE hub_profile_fasts SET member_since = NEW.date_joined
    WHERE profile_id IN (SELECT p.id FROM hub_profile p WHERE p.user_id = NEW.id);
END;""",
    "hub_profile_user": """
CREATE TRIGGER hub_profile_user AFTER UPDATE OF user_id ON hub_profile
WHEN OLD.user_id IS NOT NEW.user_id
BEGIN
    UPDATE hub_profile_fasts
    SET member_since = (SELECT u.date_joined FROM auth_user u WHERE u.id = NEW.user_id)
    WHERE profile_id = NEW.id;
END;""",
    "hub_token_orphaned": f"""
CREATE TRIGGER hub_token_orphaned AFTER UPDATE OF user_id ON token_blacklist_outstandingtoken
WHEN OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
BEGIN {_sqlite_blacklist("o.id = NEW.id")}
END;""",
}


# --- PostgreSQL --------------------------------------------------------------------------------
# Helpers take id arrays and lock their rows in id order before changing them.

POSTGRES_FUNCTIONS = """
CREATE OR REPLACE FUNCTION hub_fasts_summarise(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN RETURN; END IF;
    PERFORM 1 FROM hub_fast WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE hub_fast f
       SET first_day = s.first_day, last_day = s.last_day, day_count = s.day_count,
           year = EXTRACT(YEAR FROM s.first_day)::integer
      FROM (SELECT x.id, MIN(d.date) AS first_day, MAX(d.date) AS last_day,
                   COUNT(d.id) AS day_count
              FROM unnest(ids) AS x(id) LEFT JOIN hub_day d ON d.fast_id = x.id
             GROUP BY x.id) s
     WHERE f.id = s.id;
END $$;

CREATE OR REPLACE FUNCTION hub_fasts_count_members(ids bigint[], deltas bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN RETURN; END IF;
    PERFORM 1 FROM hub_fast WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE hub_fast f SET participant_count = f.participant_count + c.delta
      FROM (SELECT x.id, SUM(x.delta) AS delta FROM unnest(ids, deltas) AS x(id, delta)
             GROUP BY x.id) c
     WHERE f.id = c.id AND c.delta <> 0;
END $$;

CREATE OR REPLACE FUNCTION hub_churches_bump(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN RETURN; END IF;
    PERFORM 1 FROM hub_church WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE hub_church SET cache_version = cache_version + 1 WHERE id = ANY(ids);
END $$;

CREATE OR REPLACE FUNCTION hub_profiles_bump(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(ids) = 0 THEN RETURN; END IF;
    PERFORM 1 FROM hub_profile WHERE id = ANY(ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE hub_profile SET cache_version = cache_version + 1 WHERE id = ANY(ids);
END $$;

CREATE OR REPLACE FUNCTION hub_members_bump(fast_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hub_profiles_bump(ARRAY(
        SELECT DISTINCT m.profile_id FROM hub_profile_fasts m WHERE m.fast_id = ANY(fast_ids)));
END $$;

-- Memberships ---------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION hub_membership_member_since() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.member_since := COALESCE(
        (SELECT u.date_joined FROM hub_profile p JOIN auth_user u ON u.id = p.user_id
          WHERE p.id = NEW.profile_id),
        NEW.member_since);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION hub_memberships_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hub_fasts_count_members(
        ARRAY(SELECT fast_id FROM new_rows), ARRAY(SELECT 1::bigint FROM new_rows));
    INSERT INTO hub_member_day (profile_id, day_id, fast_id, date)
        SELECT n.profile_id, d.id, d.fast_id, d.date
          FROM new_rows n JOIN hub_day d ON d.fast_id = n.fast_id;
    PERFORM hub_profiles_bump(ARRAY(SELECT DISTINCT profile_id FROM new_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_memberships_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hub_fasts_count_members(
        ARRAY(SELECT fast_id FROM old_rows), ARRAY(SELECT -1::bigint FROM old_rows));
    DELETE FROM hub_member_day md USING old_rows o
     WHERE md.profile_id = o.profile_id AND md.fast_id = o.fast_id;
    PERFORM hub_profiles_bump(ARRAY(SELECT DISTINCT profile_id FROM old_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_memberships_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_fasts bigint[];
    new_fasts bigint[];
BEGIN
    -- Only rows whose member or fast changed (member_since alone changes nothing stored).
    SELECT array_agg(o.fast_id), array_agg(n.fast_id) INTO old_fasts, new_fasts
      FROM old_rows o JOIN new_rows n ON n.id = o.id
     WHERE o.profile_id <> n.profile_id OR o.fast_id <> n.fast_id;
    IF old_fasts IS NULL THEN RETURN NULL; END IF;
    PERFORM hub_fasts_count_members(
        old_fasts || new_fasts,
        array_fill(-1::bigint, ARRAY[cardinality(old_fasts)])
            || array_fill(1::bigint, ARRAY[cardinality(new_fasts)]));
    DELETE FROM hub_member_day md USING old_rows o JOIN new_rows n ON n.id = o.id
     WHERE (o.profile_id <> n.profile_id OR o.fast_id <> n.fast_id)
       AND md.profile_id = o.profile_id AND md.fast_id = o.fast_id;
    INSERT INTO hub_member_day (profile_id, day_id, fast_id, date)
        SELECT n.profile_id, d.id, d.fast_id, d.date
          FROM old_rows o JOIN new_rows n ON n.id = o.id JOIN hub_day d ON d.fast_id = n.fast_id
         WHERE o.profile_id <> n.profile_id OR o.fast_id <> n.fast_id;
    PERFORM hub_profiles_bump(ARRAY(
        SELECT o.profile_id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE o.profile_id <> n.profile_id OR o.fast_id <> n.fast_id
        UNION
        SELECT n.profile_id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE o.profile_id <> n.profile_id OR o.fast_id <> n.fast_id));
    RETURN NULL;
END $$;

-- Days ----------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION hub_day_follows_fast() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.fast_id IS NOT NULL THEN
        NEW.church_id := COALESCE(
            (SELECT f.church_id FROM hub_fast f WHERE f.id = NEW.fast_id), NEW.church_id);
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION hub_days_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    fasts bigint[] := ARRAY(SELECT DISTINCT fast_id FROM new_rows WHERE fast_id IS NOT NULL);
BEGIN
    PERFORM hub_fasts_summarise(fasts);
    INSERT INTO hub_member_day (profile_id, day_id, fast_id, date)
        SELECT m.profile_id, n.id, n.fast_id, n.date
          FROM new_rows n JOIN hub_profile_fasts m ON m.fast_id = n.fast_id;
    PERFORM hub_members_bump(fasts);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_days_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    fasts bigint[] := ARRAY(SELECT DISTINCT fast_id FROM old_rows WHERE fast_id IS NOT NULL);
BEGIN
    DELETE FROM hub_member_day md USING old_rows o WHERE md.day_id = o.id;
    PERFORM hub_fasts_summarise(fasts);
    PERFORM hub_members_bump(fasts);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_days_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    fasts bigint[] := ARRAY(
        SELECT o.fast_id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.date, o.fast_id) IS DISTINCT FROM (n.date, n.fast_id) AND o.fast_id IS NOT NULL
        UNION
        SELECT n.fast_id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.date, o.fast_id) IS DISTINCT FROM (n.date, n.fast_id) AND n.fast_id IS NOT NULL);
BEGIN
    -- Only days re-dated or moved (a church change alone changes nothing stored).
    IF cardinality(fasts) = 0 THEN RETURN NULL; END IF;
    DELETE FROM hub_member_day md USING old_rows o JOIN new_rows n ON n.id = o.id
     WHERE (o.date, o.fast_id) IS DISTINCT FROM (n.date, n.fast_id) AND md.day_id = o.id;
    INSERT INTO hub_member_day (profile_id, day_id, fast_id, date)
        SELECT m.profile_id, n.id, n.fast_id, n.date
          FROM old_rows o JOIN new_rows n ON n.id = o.id
          JOIN hub_profile_fasts m ON m.fast_id = n.fast_id
         WHERE (o.date, o.fast_id) IS DISTINCT FROM (n.date, n.fast_id);
    PERFORM hub_fasts_summarise(fasts);
    PERFORM hub_members_bump(fasts);
    RETURN NULL;
END $$;

-- Fasts and churches --------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION hub_fast_starts_empty() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.first_day := NULL;
    NEW.last_day := NULL;
    NEW.day_count := 0;
    NEW.year := NULL;
    NEW.participant_count := 0;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION hub_fasts_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hub_churches_bump(ARRAY(SELECT DISTINCT church_id FROM new_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_fasts_updated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hub_churches_bump(ARRAY(
        SELECT church_id FROM old_rows UNION SELECT church_id FROM new_rows));
    UPDATE hub_day d SET church_id = n.church_id
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE o.church_id <> n.church_id AND d.fast_id = n.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_fasts_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM hub_churches_bump(ARRAY(SELECT DISTINCT church_id FROM old_rows));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_church_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A change that did not set the version itself (a rename) bumps it.
    IF NEW.cache_version = OLD.cache_version AND NEW IS DISTINCT FROM OLD THEN
        NEW.cache_version := OLD.cache_version + 1;
    END IF;
    RETURN NEW;
END $$;

-- Accounts ------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION hub_user_credentials_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at)
        SELECT o.id, now() FROM token_blacklist_outstandingtoken o
         WHERE o.user_id = NEW.id AND o.expires_at > now()
    ON CONFLICT (token_id) DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_user_date_joined_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hub_profile_fasts m SET member_since = NEW.date_joined
      FROM hub_profile p WHERE p.user_id = NEW.id AND m.profile_id = p.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_profile_user_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE hub_profile_fasts SET member_since = (
        SELECT u.date_joined FROM auth_user u WHERE u.id = NEW.user_id)
     WHERE profile_id = NEW.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION hub_token_orphaned() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at)
    VALUES (NEW.id, now()) ON CONFLICT (token_id) DO NOTHING;
    RETURN NULL;
END $$;
"""

POSTGRES_TRIGGERS = {
    "hub_membership_member_since": """
CREATE TRIGGER hub_membership_member_since BEFORE INSERT OR UPDATE OF profile_id
    ON hub_profile_fasts FOR EACH ROW EXECUTE FUNCTION hub_membership_member_since();""",
    "hub_memberships_inserted": """
CREATE TRIGGER hub_memberships_inserted AFTER INSERT ON hub_profile_fasts
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hub_memberships_inserted();""",
    "hub_memberships_deleted": """
CREATE TRIGGER hub_memberships_deleted AFTER DELETE ON hub_profile_fasts
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hub_memberships_deleted();""",
    "hub_memberships_updated": """
CREATE TRIGGER hub_memberships_updated AFTER UPDATE ON hub_profile_fasts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hub_memberships_updated();""",
    "hub_day_follows_fast": """
CREATE TRIGGER hub_day_follows_fast BEFORE INSERT OR UPDATE ON hub_day
    FOR EACH ROW EXECUTE FUNCTION hub_day_follows_fast();""",
    "hub_days_inserted": """
CREATE TRIGGER hub_days_inserted AFTER INSERT ON hub_day
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hub_days_inserted();""",
    "hub_days_deleted": """
CREATE TRIGGER hub_days_deleted AFTER DELETE ON hub_day
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hub_days_deleted();""",
    "hub_days_updated": """
CREATE TRIGGER hub_days_updated AFTER UPDATE ON hub_day
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hub_days_updated();""",
    "hub_fast_starts_empty": """
CREATE TRIGGER hub_fast_starts_empty BEFORE INSERT ON hub_fast
    FOR EACH ROW EXECUTE FUNCTION hub_fast_starts_empty();""",
    "hub_fasts_inserted": """
CREATE TRIGGER hub_fasts_inserted AFTER INSERT ON hub_fast
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hub_fasts_inserted();""",
    "hub_fasts_updated": """
CREATE TRIGGER hub_fasts_updated AFTER UPDATE ON hub_fast
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hub_fasts_updated();""",
    "hub_fasts_deleted": """
CREATE TRIGGER hub_fasts_deleted AFTER DELETE ON hub_fast
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hub_fasts_deleted();""",
    "hub_church_changed": """
CREATE TRIGGER hub_church_changed BEFORE UPDATE ON hub_church
    FOR EACH ROW EXECUTE FUNCTION hub_church_changed();""",
    "hub_user_credentials_changed": """
CREATE TRIGGER hub_user_credentials_changed AFTER UPDATE OF password, is_active ON auth_user
    FOR EACH ROW
    WHEN (OLD.password IS DISTINCT FROM NEW.password OR (OLD.is_active AND NOT NEW.is_active))
    EXECUTE FUNCTION hub_user_credentials_changed();""",
    "hub_user_date_joined_changed": """
CREATE TRIGGER hub_user_date_joined_changed AFTER UPDATE OF date_joined ON auth_user
    FOR EACH ROW WHEN (OLD.date_joined IS DISTINCT FROM NEW.date_joined)
    EXECUTE FUNCTION hub_user_date_joined_changed();""",
    "hub_profile_user_changed": """
CREATE TRIGGER hub_profile_user_changed AFTER UPDATE OF user_id ON hub_profile
    FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id)
    EXECUTE FUNCTION hub_profile_user_changed();""",
    "hub_token_orphaned": """
CREATE TRIGGER hub_token_orphaned AFTER UPDATE OF user_id ON token_blacklist_outstandingtoken
    FOR EACH ROW WHEN (OLD.user_id IS NOT NULL AND NEW.user_id IS NULL)
    EXECUTE FUNCTION hub_token_orphaned();""",
}

# Trigger name -> table, for dropping them (PostgreSQL names a trigger per table).
POSTGRES_TRIGGER_TABLES = {
    "hub_membership_member_since": "hub_profile_fasts",
    "hub_memberships_inserted": "hub_profile_fasts",
    "hub_memberships_deleted": "hub_profile_fasts",
    "hub_memberships_updated": "hub_profile_fasts",
    "hub_day_follows_fast": "hub_day",
    "hub_days_inserted": "hub_day",
    "hub_days_deleted": "hub_day",
    "hub_days_updated": "hub_day",
    "hub_fast_starts_empty": "hub_fast",
    "hub_fasts_inserted": "hub_fast",
    "hub_fasts_updated": "hub_fast",
    "hub_fasts_deleted": "hub_fast",
    "hub_church_changed": "hub_church",
    "hub_user_credentials_changed": "auth_user",
    "hub_user_date_joined_changed": "auth_user",
    "hub_profile_user_changed": "hub_profile",
    "hub_token_orphaned": "token_blacklist_outstandingtoken",
}
POSTGRES_FUNCTION_NAMES = (
    "hub_fasts_summarise(bigint[])",
    "hub_fasts_count_members(bigint[], bigint[])",
    "hub_churches_bump(bigint[])",
    "hub_profiles_bump(bigint[])",
    "hub_members_bump(bigint[])",
    "hub_membership_member_since()",
    "hub_memberships_inserted()",
    "hub_memberships_deleted()",
    "hub_memberships_updated()",
    "hub_day_follows_fast()",
    "hub_days_inserted()",
    "hub_days_deleted()",
    "hub_days_updated()",
    "hub_fast_starts_empty()",
    "hub_fasts_inserted()",
    "hub_fasts_updated()",
    "hub_fasts_deleted()",
    "hub_church_changed()",
    "hub_user_credentials_changed()",
    "hub_user_date_joined_changed()",
    "hub_profile_user_changed()",
    "hub_token_orphaned()",
)

# --- Recomputing every stored value from the rows (before the triggers exist) ------------------

YEAR_OF_FIRST_DAY = {
    "sqlite": "CAST(substr(MIN(d.date), 1, 4) AS INTEGER)",
    "postgresql": "EXTRACT(YEAR FROM MIN(d.date))::integer",
}


def _recompute_sql(vendor: str) -> list[str]:
    days = "FROM hub_day d WHERE d.fast_id = hub_fast.id"
    return [
        "UPDATE hub_day SET church_id = (SELECT f.church_id FROM hub_fast f "
        "WHERE f.id = hub_day.fast_id) WHERE fast_id IS NOT NULL",
        f"UPDATE hub_fast SET first_day = (SELECT MIN(d.date) {days}), "
        f"last_day = (SELECT MAX(d.date) {days}), day_count = (SELECT COUNT(*) {days}), "
        f"year = (SELECT {YEAR_OF_FIRST_DAY[vendor]} {days}), "
        "participant_count = (SELECT COUNT(*) FROM hub_profile_fasts m "
        "WHERE m.fast_id = hub_fast.id)",
        "UPDATE hub_profile_fasts SET member_since = (SELECT u.date_joined FROM hub_profile p "
        "JOIN auth_user u ON u.id = p.user_id WHERE p.id = hub_profile_fasts.profile_id)",
        "DELETE FROM hub_member_day",
        "INSERT INTO hub_member_day (profile_id, day_id, fast_id, date) "
        "SELECT m.profile_id, d.id, d.fast_id, d.date FROM hub_day d "
        "JOIN hub_profile_fasts m ON m.fast_id = d.fast_id",
        "UPDATE hub_church SET cache_version = cache_version + 1",
        "UPDATE hub_profile SET cache_version = cache_version + 1",
    ]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in YEAR_OF_FIRST_DAY:  # pragma: no cover - only SQLite and PostgreSQL
        raise NotImplementedError(f"No stored-value triggers for {vendor}")
    for statement in _recompute_sql(vendor):
        schema_editor.execute(statement)
    if vendor == "sqlite":
        for create in SQLITE_TRIGGERS.values():
            schema_editor.execute(create)
    else:
        schema_editor.execute(POSTGRES_FUNCTIONS)
        for create in POSTGRES_TRIGGERS.values():
            schema_editor.execute(create)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    for name, table in POSTGRES_TRIGGER_TABLES.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in POSTGRES_FUNCTION_NAMES:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}")


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0003_member_days"),
        ("token_blacklist", "0013_alter_blacklistedtoken_options_and_more"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="member_since",
            field=models.DateTimeField(db_default=Now(), editable=False),
        ),
        migrations.RunPython(install, uninstall),
    ]
