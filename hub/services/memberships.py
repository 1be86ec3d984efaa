"""Joining and leaving fasts.

Each write is one transaction that changes the membership row, the fast's stored
``participant_count`` and the cache versions of the member's profile and the fast's church, so
counters and caches can never disagree with the memberships. Constant cost: 4 statements for a
join or a leave, whatever the number of participants or fasts.
"""

from django.db import IntegrityError, transaction
from django.db.models import F

from hub.models import Church, Fast, Membership, Profile


class MembershipError(Exception):
    """Base of the errors a join or leave reports to its caller."""


class FastNotFound(MembershipError):
    pass


class AlreadyJoined(MembershipError):
    pass


class NotJoined(MembershipError):
    pass


def fast_join(*, profile: Profile, fast_id: int) -> None:
    church_id = Fast.objects.filter(pk=fast_id).values_list("church_id", flat=True).first()
    if church_id is None:
        raise FastNotFound
    try:
        with transaction.atomic():
            Membership.objects.create(
                profile=profile, fast_id=fast_id, member_since=profile.user.date_joined
            )
            _counters_add(profile_id=profile.pk, fast_id=fast_id, church_id=church_id, delta=1)
    except IntegrityError:
        # The unique (profile, fast) insert lost: joined already, or the fast vanished meanwhile.
        if Membership.objects.filter(profile=profile, fast_id=fast_id).exists():
            raise AlreadyJoined from None
        raise FastNotFound from None


def fast_leave(*, profile: Profile, fast_id: int) -> None:
    church_id = Fast.objects.filter(pk=fast_id).values_list("church_id", flat=True).first()
    if church_id is None:
        raise FastNotFound
    with transaction.atomic():
        deleted, _ = Membership.objects.filter(profile=profile, fast_id=fast_id).delete()
        if not deleted:
            raise NotJoined
        _counters_add(profile_id=profile.pk, fast_id=fast_id, church_id=church_id, delta=-1)


def memberships_release_for_profile(*, profile_id: int) -> None:
    """Before a profile's memberships go (account deletion, cascade): drop the counters.

    Two set-based statements, whatever the number of fasts the profile joined.
    """
    joined = Membership.objects.filter(profile_id=profile_id).values("fast_id")
    Church.objects.filter(fasts__in=joined).update(cache_version=F("cache_version") + 1)
    Fast.objects.filter(pk__in=joined).update(participant_count=F("participant_count") - 1)


def _counters_add(*, profile_id: int, fast_id: int, church_id: int, delta: int) -> None:
    Fast.objects.filter(pk=fast_id).update(participant_count=F("participant_count") + delta)
    Church.objects.filter(pk=church_id).update(cache_version=F("cache_version") + 1)
    Profile.objects.filter(pk=profile_id).update(cache_version=F("cache_version") + 1)
