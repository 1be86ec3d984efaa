"""A real PostgreSQL deadlock is retried once, then named: a 409 write conflict, not an outage."""

import threading

import pytest
from django.db import connection, transaction
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from hub.api.errors import exception_handler
from hub.models import Fast
from hub.services.transactions import WriteConflict, atomic_with_retry, is_write_conflict
from tests.support.factories import make_church, make_fast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_fasts() -> tuple[int, int]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so nothing can deadlock")
    # Two churches: an update of a fast also bumps its church's cache version, so two fasts of
    # one church would already queue on the church row.
    return (
        make_fast(church=make_church(), name="A").pk,
        make_fast(church=make_church(), name="B").pk,
    )


def _set_deadlock_timeout(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL deadlock_timeout = '{value}'")


def _opponent(first: int, second: int, barrier: threading.Barrier, rounds: int) -> threading.Thread:
    """Locks ``first`` then ``second`` (the opposite order), ``rounds`` times. Its long deadlock
    timeout makes the other transaction the one PostgreSQL cancels."""

    def run() -> None:
        try:
            for _ in range(rounds):
                with transaction.atomic():
                    _set_deadlock_timeout("30s")
                    Fast.objects.filter(pk=first).update(url="https://example.org/opponent")
                    barrier.wait(timeout=30)
                    Fast.objects.filter(pk=second).update(url="https://example.org/opponent")
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_deadlock_is_retried_and_the_retry_succeeds(two_fasts: tuple[int, int]) -> None:
    a, b = two_fasts
    barrier = threading.Barrier(2)
    attempts: list[int] = []
    opponent = _opponent(b, a, barrier, rounds=1)

    def work() -> None:
        attempts.append(1)
        _set_deadlock_timeout("50ms")
        if len(attempts) == 2:
            # The retry starts once the winner has committed: a row lock is not handed over in
            # turn, so a retry that ran at once could take row a before the winner and deadlock
            # again (it did, on a loaded machine).
            opponent.join(timeout=60)
        Fast.objects.filter(pk=a).update(url="https://example.org/victim")
        if len(attempts) == 1:
            barrier.wait(timeout=30)  # now each holds the row the other wants
        Fast.objects.filter(pk=b).update(url="https://example.org/victim")

    atomic_with_retry(work)
    opponent.join(timeout=60)
    assert len(attempts) == 2
    assert set(Fast.objects.values_list("url", flat=True)) == {"https://example.org/victim"}


def test_a_second_deadlock_is_a_write_conflict_answered_409(two_fasts: tuple[int, int]) -> None:
    a, b = two_fasts
    barrier = threading.Barrier(2)
    opponent = _opponent(b, a, barrier, rounds=2)

    def work() -> None:
        _set_deadlock_timeout("50ms")
        Fast.objects.filter(pk=a).update(url="https://example.org/victim")
        barrier.wait(timeout=30)
        Fast.objects.filter(pk=b).update(url="https://example.org/victim")

    with pytest.raises(WriteConflict) as raised:
        atomic_with_retry(work)
    opponent.join(timeout=60)
    cause = raised.value.__cause__
    assert cause is not None and is_write_conflict(cause)  # the driver's real DeadlockDetected

    request = Request(APIRequestFactory().put("/api/fasts/join/"))
    response = exception_handler(raised.value, {"request": request})
    assert response is not None
    assert response.status_code == 409
    assert response.data["code"] == "write_conflict"
    assert response["Retry-After"] == "1"
