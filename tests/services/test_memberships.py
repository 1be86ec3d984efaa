"""Joining and leaving fasts (hub.services.memberships): what each service returns and raises,
and the statements its docstring promises. What follows from a membership row (counters, day
index, cache versions) is proven for every write path in tests/models/test_stored_values.py;
the HTTP answers in tests/api/fasts/test_join_leave.py."""

import pytest
from django.contrib.auth.models import User

from hub.models import Fast, Membership
from hub.services.memberships import (
    AlreadyJoined,
    FastNotFound,
    NotJoined,
    fast_join,
    fast_leave,
    memberships_bulk_join,
)
from tests.support.factories import make_church, make_fast, make_user
from tests.support.statements import Statements

pytestmark = pytest.mark.django_db

UNKNOWN_FAST = 999_999


@pytest.fixture
def fast() -> Fast:
    return make_fast(church=make_church(), name="Lent")


@pytest.fixture
def user() -> User:
    return make_user(church=make_church())


def _members(fast: Fast) -> list[int]:
    return sorted(Membership.objects.filter(fast=fast).values_list("profile_id", flat=True))


def _count(fast: Fast) -> int:
    fast.refresh_from_db()
    return fast.participant_count


# --- fast_join --------------------------------------------------------------------------------


def test_join_is_an_existence_check_and_one_insert(fast: Fast, user: User) -> None:
    with Statements() as sent:
        fast_join(profile=user.profile, fast_id=fast.pk)
    assert sent.kinds() == ["SELECT", "INSERT"]
    assert _members(fast) == [user.profile.pk]
    assert _count(fast) == 1


def test_joining_twice_is_already_joined_and_changes_nothing(fast: Fast, user: User) -> None:
    fast_join(profile=user.profile, fast_id=fast.pk)
    with pytest.raises(AlreadyJoined):
        fast_join(profile=user.profile, fast_id=fast.pk)
    assert _members(fast) == [user.profile.pk]
    assert _count(fast) == 1


def test_joining_an_unknown_fast_is_fast_not_found_without_an_insert(user: User) -> None:
    with Statements() as sent, pytest.raises(FastNotFound):
        fast_join(profile=user.profile, fast_id=UNKNOWN_FAST)
    assert sent.writes == []
    assert not Membership.objects.exists()


# --- fast_leave -------------------------------------------------------------------------------


def test_leave_is_one_delete(fast: Fast, user: User) -> None:
    fast_join(profile=user.profile, fast_id=fast.pk)
    with Statements() as sent:
        fast_leave(profile=user.profile, fast_id=fast.pk)
    assert sent.kinds() == ["DELETE"]
    assert _members(fast) == []
    assert _count(fast) == 0


def test_leaving_a_fast_not_joined_is_not_joined(fast: Fast, user: User) -> None:
    other = make_user(church=make_church())
    fast_join(profile=other.profile, fast_id=fast.pk)
    with Statements() as sent, pytest.raises(NotJoined):
        fast_leave(profile=user.profile, fast_id=fast.pk)
    assert sent.kinds() == ["DELETE", "SELECT"]  # the existence check only when nothing left
    assert _members(fast) == [other.profile.pk]
    assert _count(fast) == 1


def test_leaving_an_unknown_fast_is_fast_not_found(user: User) -> None:
    with pytest.raises(FastNotFound):
        fast_leave(profile=user.profile, fast_id=UNKNOWN_FAST)


def test_leaving_twice_is_not_joined(fast: Fast, user: User) -> None:
    fast_join(profile=user.profile, fast_id=fast.pk)
    fast_leave(profile=user.profile, fast_id=fast.pk)
    with pytest.raises(NotJoined):
        fast_leave(profile=user.profile, fast_id=fast.pk)
    assert _count(fast) == 0


# --- memberships_bulk_join ----------------------------------------------------------------------


def test_bulk_join_returns_the_pairs_given_and_inserts_one_statement_per_batch(fast: Fast) -> None:
    church = make_church()
    other = make_fast(church=church, name="Advent")
    users = [make_user(church=church) for _ in range(3)]
    pairs = [(user.profile.pk, f.pk) for user in users for f in (fast, other)]  # six

    with Statements() as sent:
        assert memberships_bulk_join(pairs=pairs, batch_size=4) == 6
    assert sent.kinds() == ["INSERT", "INSERT"]  # 4 + 2
    expected = sorted(user.profile.pk for user in users)
    assert _members(fast) == _members(other) == expected
    assert _count(fast) == _count(other) == 3


def test_bulk_join_is_idempotent(fast: Fast) -> None:
    users = [make_user(church=make_church()) for _ in range(2)]
    pairs = [(user.profile.pk, fast.pk) for user in users]
    memberships_bulk_join(pairs=pairs)
    before = list(Membership.objects.order_by("pk").values_list("pk", "profile_id", "fast_id"))

    # The same pairs again, and again mixed with a new one: joined pairs are skipped.
    assert memberships_bulk_join(pairs=pairs) == 2
    newcomer = make_user(church=make_church())
    assert memberships_bulk_join(pairs=[*pairs, (newcomer.profile.pk, fast.pk)]) == 3

    after = list(Membership.objects.order_by("pk").values_list("pk", "profile_id", "fast_id"))
    assert after[:2] == before  # the rows already there are left as they were
    assert _members(fast) == sorted([*(user.profile.pk for user in users), newcomer.profile.pk])
    assert _count(fast) == 3


def test_bulk_join_of_nothing_writes_nothing() -> None:
    with Statements() as sent:
        assert memberships_bulk_join(pairs=[]) == 0
    assert sent.sql == []


def test_a_bulk_join_and_a_single_join_agree(fast: Fast, user: User) -> None:
    memberships_bulk_join(pairs=[(user.profile.pk, fast.pk)])
    with pytest.raises(AlreadyJoined):
        fast_join(profile=user.profile, fast_id=fast.pk)
    fast_leave(profile=user.profile, fast_id=fast.pk)
    assert _count(fast) == 0
