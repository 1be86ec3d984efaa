"""Participants of a fast, ordered by account creation.

The membership row carries the member's ``date_joined`` (``member_since``), and the index
(fast, member_since, profile) serves the order, so a page is an index range scan of
offset + limit rows joined to their profile and user: O(page), whatever the number of
participants. One query, prepared once per process (``hub.selectors.compiled``).
"""

from typing import Any, NamedTuple

from django.db.models import QuerySet

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
