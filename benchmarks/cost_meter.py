"""What the request-cost meter (``hub.observability.RequestCostMiddleware``) itself costs.

Times the same warm requests with the middleware on (Server-Timing and budget warnings), and
with it taken out of MIDDLEWARE, alternating the two in rounds so machine noise hits both
alike. Prints the medians and the difference per request.

    scripts/benchmark-meter            # or: python -m benchmarks.cost_meter [--rounds N]
"""

import argparse
import statistics
import time
import warnings

from benchmarks.run import _django_setup, _test_database_create, _test_database_destroy

METER = "hub.observability.RequestCostMiddleware"


def _median_ms(client: object, path: str, requests: int) -> float:
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="No directory at")
    _django_setup()
    from django.conf import settings
    from django.test import override_settings
    from django.urls import reverse
    from rest_framework.test import APIClient

    from benchmarks.scenarios import Scenario, scenario_build

    real_name = _test_database_create()
    try:
        data = scenario_build(Scenario(25, 20, 10, ("fd",)))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {data.access_token}")
        without = [m for m in settings.MIDDLEWARE if m != METER]
        for name in ("profile-detail", "fast-stats", "fast-list"):
            path = reverse(name)
            _median_ms(client, path, args.requests)  # warm-up: imports, caches, connections
            on: list[float] = []
            off: list[float] = []
            for _ in range(args.rounds):
                with override_settings(SERVER_TIMING=True, QUERY_BUDGET_WARNINGS=True):
                    on.append(_median_ms(client, path, args.requests))
                with override_settings(MIDDLEWARE=without):
                    off.append(_median_ms(client, path, args.requests))
            a, b = statistics.median(on), statistics.median(off)
            print(f"{name:16} meter on {a:6.3f} ms   off {b:6.3f} ms   cost {a - b:+6.3f} ms")
    finally:
        _test_database_destroy(real_name)


if __name__ == "__main__":
    main()
