"""Running callables at the same moment, one thread each, for the race tests.

Every thread waits at one barrier, so all jobs start together, and closes its own database
connections when its job ends (each thread has its own; one left open would keep a
transaction-test database busy). A job that raises is never lost in its thread: the exceptions
come back to the test as one failure naming them all.
"""

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

from django.db import connections

T = TypeVar("T")


class JobsFailed(AssertionError):
    """Some jobs run at once raised; ``errors`` holds what each raised, in job order."""

    def __init__(self, errors: list[BaseException]) -> None:
        super().__init__(f"{len(errors)} job(s) failed: {errors!r}")
        self.errors = errors


def run_at_once(jobs: Sequence[Callable[[], T]], *, timeout: float = 120.0) -> list[T]:
    """Each job in its own thread, all released together; their results in job order.

    Raises ``JobsFailed`` (``from`` the first exception) when any job raised, and an
    ``AssertionError`` when a thread is still running after ``timeout`` seconds.
    """
    barrier = threading.Barrier(len(jobs))
    results: list[T | None] = [None] * len(jobs)
    errors: list[tuple[int, BaseException]] = []
    lock = threading.Lock()

    def run(index: int, job: Callable[[], T]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as exc:  # reported to the test, never lost in a thread
            with lock:
                errors.append((index, exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, job), name=f"at-once-{index}")
        for index, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"still running after {timeout} s: {stuck}"
    if errors:
        failures = [exc for _, exc in sorted(errors, key=lambda pair: pair[0])]
        raise JobsFailed(failures) from failures[0]
    return cast(list[T], results)  # every job returned
