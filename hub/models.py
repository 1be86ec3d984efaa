"""Fasthub's data model (docs/API.md §2).

Besides the contract's fields, two kinds of stored values keep every read constant-cost:

* a fast's calendar summary (``first_day``, ``last_day``, ``day_count``; ``year`` is derived from
  ``first_day``), recomputed by ``hub.services.calendar`` whenever one of its days changes;
* ``Fast.participant_count``, changed in the same transaction as the membership row by
  ``hub.services.memberships`` (and by account deletion);
* ``cache_version`` on churches and profiles, bumped in the transaction that changes what their
  cached responses show, so cached entries are never served stale (``hub.caching``).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from hub.validators import validate_timezone


class StoredValuesModel(models.Model):
    """A model with columns only set-based statements may change (counters, summaries, versions).

    Saving a loaded instance never writes them back, so a stale copy cannot undo a concurrent
    join, day change or version bump.
    """

    stored_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.stored_fields
            ]
        super().save(*args, **kwargs)


class Church(StoredValuesModel):
    stored_fields = ("cache_version",)

    name = models.CharField(max_length=128, unique=True)
    cache_version = models.PositiveBigIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        verbose_name_plural = "churches"

    def __str__(self) -> str:
        return self.name


class Fast(StoredValuesModel):
    stored_fields = ("year", "first_day", "last_day", "day_count", "participant_count")

    name = models.CharField(max_length=128)
    church = models.ForeignKey(Church, on_delete=models.CASCADE, related_name="fasts")
    description = models.TextField(null=True, blank=True)
    culmination_feast = models.CharField(max_length=128, null=True, blank=True)
    culmination_feast_date = models.DateField(null=True, blank=True)
    year = models.IntegerField(null=True, blank=True, editable=False)
    image = models.ImageField(upload_to="fast_images/", null=True, blank=True)
    image_thumbnail = models.ImageField(
        upload_to="fast_images/thumbnails/", null=True, blank=True, editable=False
    )
    url = models.URLField(max_length=2048, null=True, blank=True)

    # Calendar summary of the fast's days, kept exact by hub.services.calendar.
    first_day = models.DateField(null=True, blank=True, editable=False)
    last_day = models.DateField(null=True, blank=True, editable=False)
    day_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # Number of profiles that joined, kept exact by hub.services.memberships.
    participant_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["name", "church", "year"], name="hub_fast_name_church_year_uniq"
            ),
            models.UniqueConstraint(
                fields=["culmination_feast_date", "church"], name="hub_fast_feast_date_church_uniq"
            ),
        ]
        indexes = [
            models.Index(fields=["church", "first_day"], name="hub_fast_church_first_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})" if self.year else self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # A newly set image gets its 800 px wide JPEG thumbnail in the same save (docs/API.md §2).
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "image" in update_fields:
            from hub.services.images import fast_image_thumbnail_sync

            fast_image_thumbnail_sync(fast=self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "image_thumbnail"}
        super().save(*args, **kwargs)


class Day(models.Model):
    date = models.DateField()
    fast = models.ForeignKey(
        Fast, on_delete=models.CASCADE, null=True, blank=True, related_name="days"
    )
    church = models.ForeignKey(Church, on_delete=models.CASCADE, related_name="days")

    class Meta:
        constraints = [
            # One day per date and fast; this unique index is also the (fast, date) index.
            models.UniqueConstraint(fields=["fast", "date"], name="hub_day_fast_date_uniq"),
        ]
        indexes = [
            models.Index(fields=["date"], name="hub_day_date_idx"),
            models.Index(fields=["church", "date"], name="hub_day_church_date_idx"),
        ]

    def __str__(self) -> str:
        return self.date.isoformat()


class Profile(StoredValuesModel):
    """Created for every user by a database trigger on ``auth_user`` (migration 0002).

    Every column therefore has a database default; never create a profile by hand.
    """

    stored_fields = ("cache_version",)
    # The notification preferences, in the order every form and representation lists them.
    NOTIFICATION_FLAGS = (
        "receive_upcoming_fast_reminders",
        "receive_upcoming_fast_push_notifications",
        "receive_ongoing_fast_push_notifications",
        "receive_daily_fast_push_notifications",
        "include_weekly_fasts_in_notifications",
        "receive_promotional_emails",
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    name = models.CharField(max_length=64, null=True, blank=True)
    church = models.ForeignKey(
        Church, on_delete=models.SET_NULL, null=True, blank=True, related_name="profiles"
    )
    fasts: "models.ManyToManyField[Fast, Membership]" = models.ManyToManyField(
        Fast, through="Membership", related_name="profiles", blank=True
    )
    location = models.CharField(max_length=100, null=True, blank=True)
    profile_image = models.ImageField(upload_to="profile_images/", null=True, blank=True)
    profile_image_thumbnail = models.ImageField(
        upload_to="profile_images/thumbnails/", null=True, blank=True, editable=False
    )
    timezone = models.CharField(
        max_length=64, default="UTC", db_default="UTC", validators=[validate_timezone]
    )
    receive_upcoming_fast_reminders = models.BooleanField(default=False, db_default=False)
    receive_upcoming_fast_push_notifications = models.BooleanField(default=True, db_default=True)
    receive_ongoing_fast_push_notifications = models.BooleanField(default=True, db_default=True)
    receive_daily_fast_push_notifications = models.BooleanField(default=False, db_default=False)
    include_weekly_fasts_in_notifications = models.BooleanField(default=False, db_default=False)
    receive_promotional_emails = models.BooleanField(default=True, db_default=True)
    cache_version = models.PositiveBigIntegerField(default=0, db_default=0, editable=False)

    def __str__(self) -> str:
        # Name and email, as staff tell members apart (load ``user`` with the profile: reading
        # it here is a query otherwise).
        email = self.user.email
        return f"{self.name} ({email})" if self.name else email


class Membership(models.Model):
    """A profile that joined a fast (table ``hub_profile_fasts``).

    ``member_since`` copies the member's ``User.date_joined`` so that participants, ordered by
    account creation, are an index range scan on (fast, member_since, profile).
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="memberships")
    fast = models.ForeignKey(Fast, on_delete=models.CASCADE, related_name="memberships")
    # Set by the database from the member's User.date_joined whatever the writer sends; the
    # default only satisfies NOT NULL until the trigger fills it in.
    member_since = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        db_table = "hub_profile_fasts"
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "fast"], name="hub_profile_fasts_profile_fast_uniq"
            ),
        ]
        indexes = [
            models.Index(
                fields=["fast", "member_since", "profile"], name="hub_profile_fasts_order_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"profile {self.profile_id} in fast {self.fast_id}"


class MemberDay(models.Model):
    """One day of a fast a profile joined (table ``hub_member_day``).

    The caller's days, by date, are then an index range scan on (profile, date, day): a page
    costs O(page) whatever the number of fasts joined and days in them. Rows are written with
    the membership (``hub.services.memberships``) and with each day change
    (``hub.services.member_days``); ``manage.py rebuild_member_days`` recomputes them.
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    day = models.ForeignKey(Day, on_delete=models.CASCADE, related_name="+")
    fast = models.ForeignKey(Fast, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()

    class Meta:
        db_table = "hub_member_day"
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "date", "day"], name="hub_member_day_profile_date_day_uniq"
            ),
        ]
        indexes = [
            models.Index(fields=["profile", "fast"], name="hub_member_day_prof_fast_idx"),
        ]

    def __str__(self) -> str:
        return f"profile {self.profile_id} keeps day {self.day_id}"
