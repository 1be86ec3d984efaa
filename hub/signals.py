"""Model-change hooks that must hold whatever path changes the data (API, admin, shell).

Kept to the two cases a service cannot cover alone: days edited anywhere (admin inlines,
shell) and profiles removed by cascade (a user deleted from the admin).
"""

from typing import Any

from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver

from hub.caching import churches_bump, profiles_bump_for_fasts
from hub.models import Day, Fast, Profile
from hub.services.calendar import fasts_calendar_refresh
from hub.services.member_days import member_days_sync_day
from hub.services.memberships import memberships_release_for_profile


@receiver(post_init, sender=Day)
def _day_remember_fast(sender: type[Day], instance: Day, **kwargs: Any) -> None:
    instance._loaded_fast_id = instance.fast_id  # type: ignore[attr-defined]
    instance._loaded_date = instance.date  # type: ignore[attr-defined]


@receiver(post_save, sender=Day)
def _day_saved(sender: type[Day], instance: Day, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    previous = getattr(instance, "_loaded_fast_id", None)
    fasts_calendar_refresh(fast_ids={instance.fast_id, previous})
    moved = kwargs.get("created") or previous != instance.fast_id
    if moved or getattr(instance, "_loaded_date", None) != instance.date:
        member_days_sync_day(day_id=instance.pk)
    instance._loaded_fast_id = instance.fast_id  # type: ignore[attr-defined]
    instance._loaded_date = instance.date  # type: ignore[attr-defined]


@receiver(post_delete, sender=Day)
def _day_deleted(sender: type[Day], instance: Day, **kwargs: Any) -> None:
    fasts_calendar_refresh(fast_ids={instance.fast_id})


@receiver(pre_delete, sender=Profile)
def _profile_deleting(sender: type[Profile], instance: Profile, **kwargs: Any) -> None:
    # Runs inside the deletion's transaction, before the cascade removes the memberships.
    memberships_release_for_profile(profile_id=instance.pk)


@receiver(post_init, sender=Fast)
def _fast_remember_church(sender: type[Fast], instance: Fast, **kwargs: Any) -> None:
    instance._loaded_church_id = instance.church_id  # type: ignore[attr-defined]


@receiver(post_save, sender=Fast)
def _fast_saved(sender: type[Fast], instance: Fast, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    churches_bump(church_ids={instance.church_id, getattr(instance, "_loaded_church_id", None)})
    instance._loaded_church_id = instance.church_id  # type: ignore[attr-defined]


@receiver(pre_delete, sender=Fast)
def _fast_deleting(sender: type[Fast], instance: Fast, **kwargs: Any) -> None:
    # Its members' stats and its church's list change; bump before the cascade removes them.
    profiles_bump_for_fasts(fast_ids=[instance.pk])
    churches_bump(church_ids=[instance.church_id])
