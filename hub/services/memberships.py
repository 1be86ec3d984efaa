"""Joining and leaving fasts.

Each write is one transaction that changes the membership row, the fast's stored
``participant_count`` and the cache versions of the member's profile and the fast's church, so
counters and caches can never disagree with the memberships. Constant cost: 5 statements for a
join or a leave, whatever the number of participants or fasts.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from hub.caching import churches_bump_for_fasts, profiles_bump
from hub.models import Fast, Membership, Profile
from hub.services.member_days import member_days_add, member_days_remove


class MembershipError(Exception):
    """Base of the errors a join or leave reports to its caller."""


class FastNotFound(MembershipError):
    pass


class AlreadyJoined(MembershipError):
    pass


class NotJoined(MembershipError):
    pass


def fast_join(*, profile: Profile, fast_id: int) -> None:
    """Join: 5 statements in one transaction (counter, membership, the member's days, two
    version bumps).

    The counter update comes first: it both proves the fast exists and takes the fast's row
    lock, so concurrent joins of one fast queue there instead of deadlocking later.
    """
    try:
        with transaction.atomic():
            if not _counters_add(profile_id=profile.pk, fast_id=fast_id, delta=1):
                raise FastNotFound
            Membership.objects.create(
                profile=profile, fast_id=fast_id, member_since=profile.user.date_joined
            )
            member_days_add(profile_id=profile.pk, fast_id=fast_id)
    except IntegrityError:
        # The unique (profile, fast) insert lost; the whole transaction, counter included,
        # rolled back.
        raise AlreadyJoined from None


def fast_leave(*, profile: Profile, fast_id: int) -> None:
    """Leave: 5 statements in one transaction (membership, the member's days, counter, two
    version bumps)."""
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(profile=profile, fast_id=fast_id).delete()
        if deleted:
            member_days_remove(profile_id=profile.pk, fast_id=fast_id)
            _counters_add(profile_id=profile.pk, fast_id=fast_id, delta=-1)
            return
    if Fast.objects.filter(pk=fast_id).exists():
        raise NotJoined
    raise FastNotFound


def memberships_release_for_profile(*, profile_id: int) -> None:
    """Before a profile's memberships go (account deletion, cascade): drop the counters.

    Two set-based statements, whatever the number of fasts the profile joined.
    """
    joined = Membership.objects.filter(profile_id=profile_id).values("fast_id")
    churches_bump_for_fasts(fast_ids=joined)
    Fast.objects.filter(pk__in=joined).update(participant_count=F("participant_count") - 1)


def _counters_add(*, profile_id: int, fast_id: int, delta: int) -> bool:
    """Move the fast's counter and bump the versions its change shows in; False if no fast."""
    if not Fast.objects.filter(pk=fast_id).update(participant_count=F("participant_count") + delta):
        return False
    churches_bump_for_fasts(fast_ids=[fast_id])
    profiles_bump(profile_ids=[profile_id])
    return True
