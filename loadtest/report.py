"""Markdown tables from a load-test output directory: ``python -m loadtest.report DIR``.

One table per phase (locust's ``<phase>_stats.csv``): per endpoint the requests, throughput,
p50/p95/p99/max in milliseconds and failures; then the phase's CPU sample and Redis hit ratio.
"""

import csv
import json
import re
import sys
from pathlib import Path

PHASE_ORDER = ["cold", "warm", "profile", "redis-stopped"]


def _phases(directory: Path) -> list[str]:
    found = [path.name.removesuffix("_stats.csv") for path in directory.glob("*_stats.csv")]
    sweeps = sorted((p for p in found if p.startswith("sweep-")), key=lambda p: int(p[6:]))
    return sweeps + [p for p in PHASE_ORDER if p in found]


def _table(path: Path) -> list[str]:
    lines = [
        "| Endpoint | Requests | req/s | p50 ms | p95 ms | p99 ms | max ms | Errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Request Count"] == "0":
                continue
            name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
            method = f"{row['Type']} " if row["Type"] else ""
            lines.append(
                f"| {method}{name} | {row['Request Count']} | {float(row['Requests/s']):.1f} | "
                f"{row['50%']} | {row['95%']} | {row['99%']} | "
                f"{float(row['Max Response Time']):.0f} | {row['Failure Count']} |"
            )
    return lines


def _redis(path: Path) -> str:
    if not path.exists():
        return ""
    numbers = [int(n) for n in re.findall(r"keyspace_(?:hits|misses):(\d+)", path.read_text())]
    if len(numbers) != 4:
        return "Redis: not reachable during the phase."
    hits, misses = numbers[2] - numbers[0], numbers[3] - numbers[1]
    total = hits + misses
    ratio = f"{100 * hits / total:.1f} %" if total else "n/a"
    return f"Redis: {hits} hits, {misses} misses (hit ratio {ratio})."


def main() -> None:
    directory = Path(sys.argv[1])
    for phase in _phases(directory):
        print(f"### {phase}\n")
        print("\n".join(_table(directory / f"{phase}_stats.csv")))
        cpu_path = directory / f"{phase}-cpu.json"
        if cpu_path.exists() and cpu_path.read_text().strip():
            cpu = json.loads(cpu_path.read_text())
            parts = ", ".join(f"{k} {v}" for k, v in sorted(cpu["cpu_percent"].items()))
            print(f"\nCPU over {cpu['seconds']} s, % of one core: {parts}.")
        log = directory / f"{phase}-locust.log"
        if log.exists():
            for line in log.read_text().splitlines():
                if line.startswith("loadtest:"):
                    print(line.removeprefix("loadtest: ").capitalize() + ".")
        redis = _redis(directory / f"{phase}-redis.txt")
        if redis:
            print(redis)
        failures = directory / f"{phase}_failures.csv"
        if failures.exists():
            rows = list(csv.DictReader(failures.open(newline="")))
            for row in rows[:10]:
                error = f"{row['Method']} {row['Name']}: {row['Error']}"
                print(f"- failure: {error} x{row['Occurrences']}")
        print()


if __name__ == "__main__":
    main()
