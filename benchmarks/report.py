"""Writing a benchmark run: JSON, Markdown tables, PNG plots, and the summary against targets."""

import datetime as dt
import json
import os
import platform
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.run import Measurement
    from benchmarks.scenarios import Scenario

# The old service's figures for the same requests (queries / median ms / tracemalloc peak MiB),
# as measured before this rewrite. Keys: (our scenario key, our endpoint URL name).
OLD_SERVICE: dict[tuple[str, str], tuple[int, float, float]] = {
    ("F=5 D=20 P=10", "profile-detail"): (3, 4.0, 0.10),
    ("F=5 D=20 P=10", "fast-stats"): (6, 5.2, 0.16),
    ("F=5 D=20 P=10", "fast-participants"): (2, 3.9, 0.08),
    ("F=5 D=20 P=10", "fast-list"): (32, 14.6, 0.26),
    ("F=5 D=20 P=10", "fast-detail"): (12, 6.9, 0.13),
    ("F=100 D=25 P=10", "profile-detail"): (3, 7.5, 0.48),
    ("F=100 D=25 P=10", "fast-stats"): (6, 33.2, 2.08),
    ("F=100 D=25 P=10", "fast-participants"): (2, 3.6, 0.08),
    ("F=100 D=25 P=10", "fast-list"): (507, 173.0, 3.46),
    ("F=100 D=25 P=10", "fast-detail"): (12, 6.3, 0.14),
    ("F=200 D=40 P=10", "profile-detail"): (3, 10.7, 0.87),
    ("F=200 D=40 P=10", "fast-stats"): (6, 79.2, 5.49),
    ("F=200 D=40 P=10", "fast-participants"): (2, 3.6, 0.08),
    ("F=200 D=40 P=10", "fast-list"): (1007, 429.0, 8.15),
    ("F=200 D=40 P=10", "fast-detail"): (12, 7.7, 0.15),
    ("F=5 D=20 P=1000", "profile-detail"): (3, 3.7, 0.08),
    ("F=5 D=20 P=1000", "fast-stats"): (6, 4.2, 0.09),
    ("F=5 D=20 P=1000", "fast-participants"): (2, 4.0, 0.11),
    ("F=5 D=20 P=1000", "fast-list"): (12, 180.0, 4.40),
    ("F=5 D=20 P=1000", "fast-detail"): (12, 45.9, 4.39),
}
OLD_SCENARIO_LABELS = {
    "F=5 D=20 P=10": "F=5, D=20",
    "F=100 D=25 P=10": "F=100, D=25",
    "F=200 D=40 P=10": "F=200, D=40",
    "F=5 D=20 P=1000": "P=1000",
}
OLD_ENDPOINTS = ("profile-detail", "fast-stats", "fast-participants", "fast-list", "fast-detail")

LARGEST_FD = "F=200 D=40 P=10"
LARGEST_P = "F=5 D=20 P=100000"
FLATNESS_LIMIT = 1.3


@dataclass(frozen=True)
class Target:
    description: str
    scenario: str
    endpoint: str
    metric: str  # "median_ms" or "peak_mib"
    limit: float


TARGETS: tuple[Target, ...] = (
    Target("stats median <= 4 ms (F=200, D=40)", LARGEST_FD, "fast-stats", "median_ms", 4.0),
    Target("stats peak <= 0.5 MiB (F=200, D=40)", LARGEST_FD, "fast-stats", "peak_mib", 0.5),
    Target("profile median <= 2 ms (F=200, D=40)", LARGEST_FD, "profile-detail", "median_ms", 2.0),
    Target("fast list of 200 fasts <= 20 ms", LARGEST_FD, "fast-list", "median_ms", 20.0),
    Target("fast detail <= 3 ms (P=100,000)", LARGEST_P, "fast-detail", "median_ms", 3.0),
    Target("participants <= 3 ms (P=100,000)", LARGEST_P, "fast-participants", "median_ms", 3.0),
)


@dataclass
class Run:
    backend: dict[str, Any]
    scenarios: list["Scenario"]
    endpoints: list[str]
    growing: dict[str, tuple[str, ...]]
    measurements: list["Measurement"]
    errors: list[str]
    notes: list[str]
    repeat: int
    warmup: int
    quick: bool
    setup_seconds: dict[str, float]
    total_seconds: float
    command: str
    _index: dict[tuple[str, str, str], "Measurement"] = field(default_factory=dict, repr=False)

    def get(self, scenario: str, endpoint: str, cache: str) -> "Measurement | None":
        if not self._index:
            self._index = {(m.scenario, m.endpoint, m.cache): m for m in self.measurements}
        return self._index.get((scenario, endpoint, cache))

    def series(self, name: str) -> list["Scenario"]:
        return [s for s in self.scenarios if name in s.series]

    @property
    def name(self) -> str:
        return str(self.backend["database"])


def backend_info() -> dict[str, Any]:
    import django
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = str(cursor.fetchone()[0])
    else:
        import sqlite3

        version = sqlite3.sqlite_version
    return {
        "database": connection.vendor,
        "database_version": version,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "cpu_count": os.cpu_count(),
        "cpu": _cpu_model(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        # Other processes share the CPUs; the load when the run started says how quiet it was.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# --- Checks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    description: str
    cache: str
    value: str
    met: bool


def targets_check(run: Run) -> list[Check]:
    checks = []
    for target in TARGETS:
        for cache in ("cold", "warm"):
            m = run.get(target.scenario, target.endpoint, cache)
            if m is None:
                continue
            value = float(getattr(m, target.metric))
            if target.metric == "median_ms":
                shown = f"{value:.2f} ms (min {m.min_ms:.2f}, CPU median {m.cpu_median_ms:.2f})"
            else:
                shown = f"{value:.2f} MiB"
            checks.append(Check(target.description, cache, shown, value <= target.limit))
    return checks


def flatness_check(run: Run) -> list[Check]:
    """Endpoints whose response does not grow: largest-scenario median <= 1.3 x smallest."""
    checks = []
    for series in ("fd", "p"):
        scenarios = run.series(series)
        if len(scenarios) < 2:
            continue
        small, large = scenarios[0].key, scenarios[-1].key
        for endpoint in run.endpoints:
            if series in run.growing.get(endpoint, ()):
                continue
            for cache in ("cold", "warm"):
                a, b = run.get(small, endpoint, cache), run.get(large, endpoint, cache)
                if a is None or b is None:
                    continue
                ratio = b.median_ms / a.median_ms
                cpu_ratio = b.cpu_median_ms / a.cpu_median_ms
                checks.append(
                    Check(
                        f"{endpoint}: {large} vs {small}",
                        cache,
                        f"{a.median_ms:.2f} -> {b.median_ms:.2f} ms (x{ratio:.2f}); "
                        f"CPU {a.cpu_median_ms:.2f} -> {b.cpu_median_ms:.2f} ms "
                        f"(x{cpu_ratio:.2f})",
                        ratio <= FLATNESS_LIMIT,
                    )
                )
    return checks


def query_checks(run: Run) -> list[Check]:
    """Per endpoint and cache state: one query count for every scenario, within budget."""
    from hub.api.budgets import QUERY_BUDGETS

    checks = []
    for endpoint in run.endpoints:
        budget = QUERY_BUDGETS.get(endpoint)
        for cache in ("cold", "warm"):
            counts = {
                m.scenario: m.queries
                for m in run.measurements
                if m.endpoint == endpoint and m.cache == cache
            }
            if not counts:
                continue
            distinct = sorted(set(counts.values()))
            constant = len(distinct) == 1
            within = budget is None or max(distinct) <= budget
            shown = "/".join(str(n) for n in distinct)
            checks.append(
                Check(
                    f"{endpoint}: queries constant and <= budget {budget}",
                    cache,
                    shown if constant else ", ".join(f"{k}: {v}" for k, v in counts.items()),
                    constant and within,
                )
            )
    return checks


def summary_text(run: Run) -> str:
    lines = [f"Targets ({run.name}, {run.backend['database_version']}):"]
    for check in targets_check(run):
        mark = "met" if check.met else "NOT MET"
        lines.append(f"  [{mark:7}] {check.description} ({check.cache}): {check.value}")
    flat = flatness_check(run)
    missed = [c for c in flat if not c.met]
    lines.append(
        f"Flatness (median at the largest <= {FLATNESS_LIMIT} x the smallest scenario): "
        f"{len(flat) - len(missed)}/{len(flat)} met"
    )
    lines += [f"  [NOT MET] {c.description} ({c.cache}): {c.value}" for c in missed]
    queries = query_checks(run)
    bad = [c for c in queries if not c.met]
    lines.append(
        f"Query counts constant and within budget: {len(queries) - len(bad)}/{len(queries)}"
    )
    lines += [f"  [NOT MET] {c.description} ({c.cache}): {c.value}" for c in bad]
    lines.append(f"Run time: {run.total_seconds:.0f} s")
    return "\n".join(lines)


# --- Files -------------------------------------------------------------------------------------


def run_write(run: Run, *, output_dir: Path) -> list[Path]:
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = [_json_write(run, output_dir), _markdown_write(run, output_dir)]
    paths += _plots_write(run, output_dir)
    return paths


def _json_write(run: Run, output_dir: Path) -> Path:
    path = output_dir / f"results-{run.name}.json"
    document = {
        "command": run.command,
        "machine": run.backend,
        "repeat": run.repeat,
        "warmup": run.warmup,
        "quick": run.quick,
        "total_seconds": run.total_seconds,
        "scenarios": [
            {
                "key": s.key,
                "fasts": s.fasts,
                "days": s.days,
                "participants": s.participants,
                "series": list(s.series),
                "setup_seconds": run.setup_seconds.get(s.key),
            }
            for s in run.scenarios
        ],
        "endpoints": run.endpoints,
        "measurements": [m.as_dict() for m in run.measurements],
        "targets": [c.__dict__ for c in targets_check(run)],
        "flatness": [c.__dict__ for c in flatness_check(run)],
        "queries": [c.__dict__ for c in query_checks(run)],
        "errors": run.errors,
        "notes": run.notes,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def _cell(m: "Measurement | None") -> str:
    if m is None:
        return "-"
    return f"{m.queries} / {m.median_ms:.2f} / {m.p95_ms:.2f} / {m.peak_mib:.2f}"


def results_table(run: Run, cache: str) -> list[str]:
    header = ["scenario", *run.endpoints]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for scenario in run.scenarios:
        cells = [_cell(run.get(scenario.key, e, cache)) for e in run.endpoints]
        lines.append(f"| {scenario.label} | " + " | ".join(cells) + " |")
    return lines


def cpu_table(run: Run, cache: str) -> list[str]:
    header = ["scenario", *run.endpoints]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for scenario in run.scenarios:
        cells = []
        for endpoint in run.endpoints:
            m = run.get(scenario.key, endpoint, cache)
            cells.append("-" if m is None else f"{m.cpu_median_ms:.2f} / {m.min_ms:.2f}")
        lines.append(f"| {scenario.label} | " + " | ".join(cells) + " |")
    return lines


def comparison_table(run: Run) -> list[str]:
    """Old service vs this one (cold cache): old -> new, and how many times faster."""
    lines = [
        "| scenario | " + " | ".join(OLD_ENDPOINTS) + " |",
        "|" + "---|" * (len(OLD_ENDPOINTS) + 1),
    ]
    for key, label in OLD_SCENARIO_LABELS.items():
        cells = []
        for endpoint in OLD_ENDPOINTS:
            old = OLD_SERVICE[(key, endpoint)]
            new = run.get(key, endpoint, "cold")
            if new is None:
                cells.append("-")
                continue
            speed = old[1] / new.median_ms
            relation = f"x{speed:.1f} faster" if speed >= 1 else f"x{1 / speed:.1f} slower"
            cells.append(
                f"{old[0]} → {new.queries} q; {old[1]:g} → {new.median_ms:.2f} ms "
                f"({relation}); {old[2]:.2f} → {new.peak_mib:.2f} MiB"
            )
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def checks_table(checks: Iterable[Check]) -> list[str]:
    lines = ["| check | cache | measured | met |", "|---|---|---|---|"]
    lines += [
        f"| {c.description} | {c.cache} | {c.value} | {'yes' if c.met else '**no**'} |"
        for c in checks
    ]
    return lines


def _markdown_write(run: Run, output_dir: Path) -> Path:
    path = output_dir / f"results-{run.name}.md"
    info = run.backend
    lines = [
        f"# Benchmark results: {info['database']} {info['database_version']}",
        "",
        f"Command: `{run.command.strip()}`, {run.repeat} timed requests per cell after "
        f"{run.warmup} warm-up requests; cache `{info['cache']}`.",
        f"Machine: {info['cpu']} ({info['cpu_count']} CPUs), {info['platform']}, "
        f"Python {info['python']}, Django {info['django']}, {info['date']}, "
        f"1-minute load average {info['load_average_1min']:.2f} at the start, "
        f"{info.get('load_average_1min_end', float('nan')):.2f} at the end.",
        "",
        "Cells: queries / median ms / p95 ms / tracemalloc peak MiB of one request. "
        "F fasts of D days joined by the caller; P participants of the fast asked about.",
        "",
    ]
    for cache, title in (("cold", "Cold cache (cleared before each request)"), ("warm", "Warm")):
        lines += [f"## {title}", "", *results_table(run, cache), ""]
    for cache in ("cold", "warm"):
        lines += [
            f"## {cache.capitalize()} cache: CPU median ms / fastest wall ms",
            "",
            "Less sensitive than the wall-time median to other processes using the CPUs "
            "(CPU time is this process only: on PostgreSQL the server's work is not in it).",
            "",
            *cpu_table(run, cache),
            "",
        ]
    if any(run.get(key, "fast-list", "cold") for key in OLD_SCENARIO_LABELS):
        lines += [
            "## Against the old service (cold cache)",
            "",
            *comparison_table(run),
            "",
        ]
    lines += ["## Targets", "", *checks_table(targets_check(run)), ""]
    lines += [
        f"## Flatness (median at the largest scenario <= {FLATNESS_LIMIT} x the smallest)",
        "",
        *checks_table(flatness_check(run)),
        "",
        "## Query counts (constant across scenarios, within hub/api/budgets.py)",
        "",
        *checks_table(query_checks(run)),
        "",
    ]
    if run.notes or run.errors:
        lines += ["## Notes", "", *[f"- {n}" for n in [*run.notes, *run.errors]], ""]
    setup = ", ".join(f"{k}: {v:.1f} s" for k, v in run.setup_seconds.items())
    lines += [f"Data setup time per scenario: {setup}. Whole run: {run.total_seconds:.0f} s.", ""]
    path.write_text("\n".join(lines))
    return path


METRICS = (
    ("queries", "SQL queries per request"),
    ("median_ms", "median wall time (ms)"),
    ("peak_mib", "tracemalloc peak (MiB)"),
)
SERIES = (
    ("fd", "days of the caller's fasts (F x D)", False),
    ("p", "participants of the fast (P)", True),
)


def _plots_write(run: Run, output_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    colours = plt.get_cmap("tab20")
    for series, xlabel, log_x in SERIES:
        scenarios = run.series(series)
        if len(scenarios) < 2:
            continue
        xs = [s.fasts * s.days if series == "fd" else s.participants for s in scenarios]
        for metric, ylabel in METRICS:
            fig, axes = plt.subplots(1, 2, figsize=(13, 5), sharey=True)
            for ax, cache in zip(axes, ("cold", "warm"), strict=True):
                for i, endpoint in enumerate(run.endpoints):
                    points = [
                        (x, getattr(m, metric))
                        for x, s in zip(xs, scenarios, strict=True)
                        if (m := run.get(s.key, endpoint, cache)) is not None
                    ]
                    if points:
                        ax.plot(
                            [p[0] for p in points],
                            [p[1] for p in points],
                            marker="o",
                            markersize=3,
                            color=colours(i % 20),
                            label=endpoint,
                        )
                if log_x:
                    ax.set_xscale("log")
                ax.set_title(f"{cache} cache")
                ax.set_xlabel(xlabel)
                ax.grid(True, alpha=0.3)
            axes[0].set_ylabel(ylabel)
            axes[1].legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
            fig.suptitle(f"{ylabel} vs {xlabel} — {run.name} {run.backend['database_version']}")
            fig.tight_layout()
            path = output_dir / f"{run.name}-{series}-{metric}.png"
            fig.savefig(path, dpi=90)
            plt.close(fig)
            paths.append(path)
    return paths
