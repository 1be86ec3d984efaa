"""CPU used by each part of the load test, sampled from /proc once a second (Linux).

``python -m loadtest.cpu --seconds 60 --gunicorn PID --redis PID --locust PID --database NAME``
prints one JSON line: the mean CPU of each group in percent of one core (200 = both cores of a
2-core machine). Groups: gunicorn (master and workers, including workers that a max-requests
recycle started during the window), postgres backends serving ``--database``, every other
postgres process, the Redis server, locust, py-spy, and everything else on the machine.
"""

import argparse
import json
import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _ticks(pid: int) -> tuple[int, int] | None:
    """(ppid, utime + stime) of a process, or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace")


def _machine_busy() -> int:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle


def _group(pid: int, ppid: int, args: argparse.Namespace, gunicorn_pids: set[int]) -> str:
    if pid == args.gunicorn or ppid in gunicorn_pids:
        gunicorn_pids.add(pid)
        return "gunicorn"
    if pid == args.redis:
        return "redis"
    if pid == args.locust or ppid == args.locust:
        return "locust"
    command = _cmdline(pid)
    if command.startswith("postgres"):
        return "postgres_load_db" if f" {args.database} " in command else "postgres_other"
    if "py-spy" in command:
        return "py-spy"
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--gunicorn", type=int, required=True)
    parser.add_argument("--redis", type=int, default=0)
    parser.add_argument("--locust", type=int, default=0)
    parser.add_argument("--database", default="fasthub_load")
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    gunicorn_pids = {args.gunicorn}
    last: dict[int, int] = {}
    for pid in _pids():
        reading = _ticks(pid)
        if reading is not None:
            last[pid] = reading[1]
    used: dict[str, int] = {}
    busy_start = _machine_busy()
    started = time.monotonic()
    while time.monotonic() - started < args.seconds:
        time.sleep(1)
        for pid in _pids():
            reading = _ticks(pid)
            if reading is None:
                continue
            ppid, total = reading
            group = _group(pid, ppid, args, gunicorn_pids)
            used[group] = used.get(group, 0) + total - last.get(pid, 0)
            last[pid] = total
    elapsed = time.monotonic() - started
    busy = _machine_busy() - busy_start
    percent = {group: round(100 * ticks / TICKS / elapsed, 1) for group, ticks in used.items()}
    percent["machine_total"] = round(100 * busy / TICKS / elapsed, 1)
    print(json.dumps({"label": args.label, "seconds": round(elapsed), "cpu_percent": percent}))


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


if __name__ == "__main__":
    main()
