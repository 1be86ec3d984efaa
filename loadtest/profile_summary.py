"""Where a py-spy profile's samples go: ``python -m loadtest.profile_summary profile.txt``.

Reads py-spy's ``--format raw`` output (collapsed stacks: ``frame;frame;... count``) and prints,
for each layer, its self share (the innermost frame is in that layer) and its inclusive share
(the layer appears anywhere in the stack). Layers are matched on the frame's file path.
"""

import re
import sys
from collections import Counter
from pathlib import Path

# First match wins; order from the most specific path to the most general.
LAYERS: list[tuple[str, str]] = [
    ("database driver (psycopg)", r"(^|/)psycopg"),
    ("Redis client (redis, django_redis)", r"(^|/)(redis|django_redis)/"),
    ("JWT (simplejwt, PyJWT, cryptography)", r"(^|/)(rest_framework_simplejwt|jwt|cryptography)/"),
    (
        "JSON encoding (json, DRF renderers)",
        r"(^|/)json/|rest_framework/renderers\.py|rest_framework/utils/encoders\.py",
    ),
    ("DRF serializers and fields", r"rest_framework/(serializers|fields|relations)\.py"),
    ("DRF request handling", r"rest_framework/"),
    ("password hashing (login)", r"django/contrib/auth/hashers\.py|django/utils/crypto\.py"),
    ("Django ORM (query building, model instances)", r"django/db/"),
    ("Django request handling (handlers, middleware, urls)", r"django/"),
    ("Fasthub code (hub/)", r"(^|/)hub/"),
    ("gunicorn", r"gunicorn/"),
    ("logging", r"(^|/)(logging|pythonjsonlogger)/"),
]
FRAME = re.compile(r"\((?P<path>[^():]+)(?::\d+)?\)\s*$")


def layer_of(frame: str) -> str:
    match = FRAME.search(frame)
    path = match.group("path") if match else frame
    for name, pattern in LAYERS:
        if re.search(pattern, path):
            return name
    return "other (stdlib, interpreter)"


def summarize(lines: list[str]) -> tuple[int, Counter[str], Counter[str]]:
    total = 0
    self_share: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for line in lines:
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        # py-spy --subprocesses puts "process N:..." frames first; they are not code.
        frames = [f for f in stack.split(";") if f.strip() and not f.startswith("process ")]
        if not frames:
            continue
        total += count
        layers = [layer_of(frame) for frame in frames]
        self_share[layers[-1]] += count
        for layer in set(layers):
            inclusive[layer] += count
    return total, self_share, inclusive


def main() -> None:
    with Path(sys.argv[1]).open(encoding="utf-8") as handle:
        total, self_share, inclusive = summarize(handle.readlines())
    if not total:
        print("no samples")
        return
    print(f"{total} samples")
    print("| Layer | self | inclusive |\n|---|---:|---:|")
    for layer, count in self_share.most_common():
        print(f"| {layer} | {100 * count / total:.1f} % | {100 * inclusive[layer] / total:.1f} % |")
    for layer, count in inclusive.items():
        if layer not in self_share:
            print(f"| {layer} | 0.0 % | {100 * count / total:.1f} % |")


if __name__ == "__main__":
    main()
