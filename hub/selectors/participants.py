"""Participants of a fast, ordered by account creation.

The membership row carries the member's ``date_joined`` (``member_since``), and the index
(fast, member_since, profile) serves the order, so a page is an index range scan of
offset + limit rows joined to their profile and user: O(page), whatever the number of
participants. One query, prepared once per process (``hub.selectors.compiled``).
"""

import datetime as dt
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet

from hub.models import Membership
from hub.selectors.compiled import PreparedQuery


class ParticipantRow(NamedTuple):
    id: int
    name: str | None
    profile_image: str | None
    thumbnail: str | None
    location: str | None
    email: str


def _participants(p: Any) -> "QuerySet[Membership, Any]":
    return (
        Membership.objects.filter(fast_id=p.fast_id)
        .order_by("member_since", "profile_id")
        .values_list(
            "profile_id",
            "profile__name",
            "profile__profile_image",
            "profile__profile_image_thumbnail",
            "profile__location",
            "profile__user__email",
        )
    )


_PARTICIPANTS = PreparedQuery(_participants, params={"fast_id": int}, paged=True)


def participants_page(*, fast_id: int, offset: int, limit: int) -> list[ParticipantRow]:
    rows = _PARTICIPANTS.rows(fast_id=fast_id, offset=offset, limit=limit)
    return [ParticipantRow(*row) for row in rows]


class StaffParticipantRow(NamedTuple):
    profile_id: int
    name: str | None
    email: str
    church: str | None
    member_since: dt.datetime


def participants_for_staff_page(
    *, fast_id: int, search: str, offset: int, limit: int
) -> list[StaffParticipantRow]:
    """A page of a fast's participants for the staff admin, in the same order, each with the
    account's email and church; ``search`` keeps those whose name or email contains it (case
    insensitive). Still one query: the range scan filters as it goes (a search may read past
    many non-matching rows, never more than the fast's memberships)."""
    rows = Membership.objects.filter(fast_id=fast_id)
    if search:
        rows = rows.filter(
            Q(profile__name__icontains=search) | Q(profile__user__email__icontains=search)
        )
    page = rows.order_by("member_since", "profile_id").values_list(
        "profile_id",
        "profile__name",
        "profile__user__email",
        "profile__church__name",
        "member_since",
    )[offset : offset + limit]
    return [StaffParticipantRow(*row) for row in page]
