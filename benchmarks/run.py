"""Measure every GET endpoint at the performance report's data sizes, cold and warm cache.

Requests go through the whole Django stack in process (middleware, JWT authentication, view,
rendering) with a real access token. For each (scenario, endpoint, cache state) it records the
SQL statements of one request, the median and p95 wall time over ``--repeat`` requests, and the
tracemalloc peak of one request. Cold means the cache is cleared before each request (untimed).

The database is a throwaway one made here: Django's in-memory test database on SQLite, or a
separate test database on PostgreSQL when DATABASE_URL points at one. The measuring functions
(``scenario_measure``) also run against any database already set up, such as a pytest one.

Usage: scripts/benchmark [--quick] [--repeat N] [--only ENDPOINT ...] [--output-dir DIR]
"""

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import django

from tests.support.catalogue import READS, Read

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from benchmarks.scenarios import Scenario, ScenarioData

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT_DIR = ROOT / "docs" / "benchmarks"
DEFAULT_REPEAT = 30
QUICK_REPEAT = 5
DEFAULT_WARMUP = 3
# The cache database the benchmark clears (REDIS_URL's host, this database number), so that
# clearing never touches a cache another process uses.
BENCHMARK_REDIS_DB = 15
PG_TEST_DATABASE = "test_fasthub_benchmark"
MIB = 1024 * 1024
CACHE_STATES = ("cold", "warm")


class BenchmarkError(Exception):
    """A measured request did not answer 200."""


@dataclass(frozen=True)
class Endpoint:
    read: Read  # from the catalogue the cost tests share (tests.support.catalogue)
    # Series in which the response itself grows with the data ("fd": fasts x days).
    output_grows_in: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.read.name


# The catalogue's reads this benchmark measures (the docs pages and the index are not data).
GROWING = {"fast-stats": ("fd",), "fast-list": ("fd",)}
ENDPOINTS: tuple[Endpoint, ...] = tuple(
    Endpoint(read, GROWING.get(read.name, ()))
    for read in READS
    if read.name not in {"schema", "swagger-ui", "api-root"}
)


@dataclass
class Measurement:
    scenario: str
    endpoint: str
    cache: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    min_ms: float
    # CPU time of this process per request: on SQLite that includes the database's own work,
    # and unlike wall time it barely moves when other processes compete for the CPUs.
    cpu_median_ms: float
    peak_mib: float
    runs: int
    response_bytes: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def endpoints_available(names: list[str] | None = None) -> tuple[list[Endpoint], list[str]]:
    """The endpoints to measure, and notes about names that are not GET endpoints here."""
    chosen = [e for e in ENDPOINTS if names is None or e.name in names]
    unknown = sorted(set(names or ()) - {e.name for e in ENDPOINTS})
    return chosen, [f"{name}: not a GET endpoint of this benchmark" for name in unknown]


def endpoint_url(endpoint: Endpoint, data: "ScenarioData") -> str:
    return endpoint.read.path(data)


def authenticated_client(data: "ScenarioData") -> "APIClient":
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {data.access_token}")
    return client


def _p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def endpoint_measure(
    client: "APIClient", endpoint: str, url: str, *, cache_state: str, repeat: int, warmup: int
) -> Measurement:
    """Queries, wall-time median/p95 and tracemalloc peak of GET ``url`` in one cache state."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cold = cache_state == "cold"

    def get() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            body = response.content.decode(errors="replace")[:2000]
            raise BenchmarkError(
                f"{endpoint} ({cache_state}) GET {url}: {response.status_code}\n{body}"
            )
        return response

    if not cold:
        cache.clear()  # warm means: filled by this endpoint's own first request
    for _ in range(max(warmup, 1)):
        if cold:
            cache.clear()
        get()

    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = get()
    queries = len(captured)
    size = len(response.content)

    samples: list[float] = []
    cpu_samples: list[float] = []
    gc.collect()
    for _ in range(repeat):
        if cold:
            cache.clear()
        cpu_started = time.process_time()
        started = time.perf_counter()
        get()
        samples.append((time.perf_counter() - started) * 1000)
        cpu_samples.append((time.process_time() - cpu_started) * 1000)

    if cold:
        cache.clear()
    gc.collect()
    tracemalloc.start()
    try:
        get()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    return Measurement(
        scenario="",
        endpoint=endpoint,
        cache=cache_state,
        status=response.status_code,
        queries=queries,
        median_ms=statistics.median(samples),
        p95_ms=_p95(samples),
        min_ms=min(samples),
        cpu_median_ms=statistics.median(cpu_samples),
        peak_mib=peak / MIB,
        runs=len(samples),
        response_bytes=size,
    )


def scenario_measure(
    data: "ScenarioData",
    endpoints: list[Endpoint],
    *,
    scenario_key: str,
    repeat: int,
    warmup: int = DEFAULT_WARMUP,
    on_endpoint: Callable[[str], None] | None = None,
    errors: list[str] | None = None,
) -> list[Measurement]:
    """Measure each endpoint cold and warm against the scenario's data (any database).

    A non-200 answer raises ``BenchmarkError``, or, when an ``errors`` list is given, is
    recorded there and the next endpoint is measured.
    """
    client = authenticated_client(data)
    results = []
    for endpoint in endpoints:
        url = endpoint_url(endpoint, data)
        try:
            for state in CACHE_STATES:
                measurement = endpoint_measure(
                    client, endpoint.name, url, cache_state=state, repeat=repeat, warmup=warmup
                )
                measurement.scenario = scenario_key
                results.append(measurement)
        except BenchmarkError as exc:
            if errors is None:
                raise
            errors.append(f"[{scenario_key}] {exc}")
        if on_endpoint is not None:
            on_endpoint(endpoint.name)
    return results


# --- The command ----------------------------------------------------------------------------


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/benchmark", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="small scenarios and few repetitions (smoke run)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help=f"timed requests per measurement "
        f"(default {DEFAULT_REPEAT}, {QUICK_REPEAT} with --quick)",
    )
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, help="untimed requests first")
    parser.add_argument(
        "--only", action="append", metavar="ENDPOINT", help="URL name to measure (repeatable)"
    )
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = QUICK_REPEAT if args.quick else DEFAULT_REPEAT
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    # As under a test runner: no debug query log growing inside the measured requests.
    os.environ.setdefault("DEBUG", "false")
    # WhiteNoise warns once that collectstatic has not run; the API serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")
    django.setup()
    from django.conf import settings

    settings.QUERY_BUDGET_WARNINGS = False  # the benchmark reports budgets itself
    cache_settings = settings.CACHES["default"]
    if cache_settings["BACKEND"] == "django_redis.cache.RedisCache":
        base = str(cache_settings["LOCATION"]).rstrip("/").rsplit("/", 1)[0]
        cache_settings["LOCATION"] = f"{base}/{BENCHMARK_REDIS_DB}"


def _test_database_create() -> str:
    """Create the throwaway database; returns the real database name to restore afterwards."""
    from django.db import connection

    real_name: str = connection.settings_dict["NAME"]
    test = connection.settings_dict.setdefault("TEST", {})
    test["NAME"] = PG_TEST_DATABASE if connection.vendor == "postgresql" else None
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return real_name


def _test_database_destroy(real_name: str) -> None:
    from django.db import connection

    connection.creation.destroy_test_db(real_name, verbosity=0)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    _django_setup()

    from django.core.cache import cache
    from tqdm import tqdm

    from benchmarks import report
    from benchmarks.scenarios import (
        FULL_SCENARIOS,
        QUICK_SCENARIOS,
        scenario_build,
        scenario_wipe,
    )

    endpoints, notes = endpoints_available(args.only)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not endpoints:
        print("nothing to measure", file=sys.stderr)
        return 2
    scenarios: tuple[Scenario, ...] = QUICK_SCENARIOS if args.quick else FULL_SCENARIOS

    real_name = _test_database_create()
    backend_info = report.backend_info()
    measurements: list[Measurement] = []
    errors: list[str] = []
    setup_seconds: dict[str, float] = {}
    started = time.perf_counter()
    try:
        with tqdm(total=len(scenarios) * len(endpoints), unit="step", file=sys.stderr) as bar:
            for scenario in scenarios:
                bar.set_description(f"{scenario.key}: building")
                scenario_wipe()
                cache.clear()
                built = time.perf_counter()
                data = scenario_build(scenario)
                setup_seconds[scenario.key] = round(time.perf_counter() - built, 2)

                def step(name: str, key: str = scenario.key) -> None:
                    bar.set_description(f"{key}: {name}")
                    bar.update(1)

                measurements += scenario_measure(
                    data,
                    endpoints,
                    scenario_key=scenario.key,
                    repeat=args.repeat,
                    warmup=args.warmup,
                    on_endpoint=step,
                    errors=errors,
                )
            scenario_wipe()
    finally:
        cache.clear()
        _test_database_destroy(real_name)

    backend_info["load_average_1min_end"] = round(os.getloadavg()[0], 2)
    run = report.Run(
        backend=backend_info,
        scenarios=list(scenarios),
        endpoints=[e.name for e in endpoints],
        growing={e.name: e.output_grows_in for e in endpoints},
        measurements=measurements,
        errors=errors,
        notes=notes,
        repeat=args.repeat,
        warmup=args.warmup,
        quick=args.quick,
        setup_seconds=setup_seconds,
        total_seconds=round(time.perf_counter() - started, 1),
        command="scripts/benchmark " + " ".join(argv if argv is not None else sys.argv[1:]),
    )
    paths = report.run_write(run, output_dir=args.output_dir)
    print(report.summary_text(run))
    for path in paths:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if errors:
        for error in errors:
            print(f"ERROR {error}", file=sys.stderr)
        print(f"{len(errors)} benchmark error(s): non-200 responses", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
