"""What the worst profile picture upload costs: peak memory and CPU of the image work.

Each hostile image (small files that decode to tens of megapixels, in every accepted format)
goes through the same code as ``PUT /api/profile/image-upload/`` (``hub.services.images``:
verify, decode, orient, scale, thumbnail, encode both JPEGs), each in a fresh Python process
so its peak resident memory is its own. Prints one line per image and the worst figures.

    .venv/bin/python -m benchmarks.image_uploads [--only NAME ...] [--json PATH]

Peak RSS is the process's resident high-water mark (``VmHWM``, reset just before the image work
through ``/proc/self/clear_refs``, Linux only) and includes the interpreter with Django loaded
and the upload's bytes (the ``base`` column, the resident size just before the image work);
``added`` is what the image work added on top. CPU is user + system time of the image work.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024


# --- Hostile inputs ----------------------------------------------------------------------------


def _pil_save(mode: str, size: tuple[int, int], fmt: str, **options: object) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    color: object = 0 if mode in ("P", "L", "I;16", "1") else (40,) * len(mode)
    image = Image.new(mode, size, color)  # type: ignore[arg-type]
    if mode == "P":
        image.info["transparency"] = 0
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _png_raw(width: int, height: int, *, color_type: int, bit_depth: int) -> bytes:
    """A PNG of one colour written by hand (Pillow cannot write 16-bit RGBA)."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\x00" + bytes(width * channels * bit_depth // 8)
    compressor = zlib.compressobj(9)
    out = io.BytesIO()
    for _ in range(height):
        out.write(compressor.compress(row))
    data = out.getvalue() + compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def _heif(size: tuple[int, int]) -> bytes:
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 40, 40)).save(buffer, format="HEIF", quality=10)
    return buffer.getvalue()


CASES: dict[str, Callable[[], bytes]] = {
    # The hostile uploads of issue 10: 49 MP (7000 x 7000) in every format, a 50 MP strip.
    "png-rgb-7000": lambda: _pil_save("RGB", (7000, 7000), "PNG", compress_level=9),
    "png-rgba-7000": lambda: _pil_save("RGBA", (7000, 7000), "PNG", compress_level=9),
    "png-rgba16-7000": lambda: _png_raw(7000, 7000, color_type=6, bit_depth=16),
    "png-palette-7000": lambda: _pil_save("P", (7000, 7000), "PNG", compress_level=9),
    "png-gray16-7000": lambda: _png_raw(7000, 7000, color_type=0, bit_depth=16),
    "png-strip-1x50M": lambda: _png_raw(1, 49_999_999, color_type=2, bit_depth=8),
    "jpeg-7000": lambda: _pil_save("RGB", (7000, 7000), "JPEG", quality=50),
    "jpeg-progressive-7000": lambda: _pil_save(
        "RGB", (7000, 7000), "JPEG", quality=50, progressive=True
    ),
    "jpeg-progressive-444-7000": lambda: _pil_save(
        "RGB", (7000, 7000), "JPEG", quality=50, progressive=True, subsampling=0
    ),
    "jpeg-cmyk-7000": lambda: _pil_save("CMYK", (7000, 7000), "JPEG", quality=50),
    "jpeg-panorama-65000x769": lambda: _pil_save(
        "RGB", (65000, 769), "JPEG", quality=50, progressive=True
    ),
    "webp-lossless-7000": lambda: _pil_save("RGBA", (7000, 7000), "WEBP", lossless=True),
    "webp-lossy-7000": lambda: _pil_save("RGB", (7000, 7000), "WEBP", quality=10),
    "heif-7000": lambda: _heif((7000, 7000)),
    # The largest of each kind that the per-format caps still accept.
    "png-rgba-4096": lambda: _pil_save("RGBA", (4096, 4096), "PNG", compress_level=9),
    "png-rgba16-4096": lambda: _png_raw(4096, 4096, color_type=6, bit_depth=16),
    "png-palette-4096": lambda: _pil_save("P", (4096, 4096), "PNG", compress_level=9),
    "png-gray16-4096": lambda: _png_raw(4096, 4096, color_type=0, bit_depth=16),
    "png-strip-1024x16384": lambda: _png_raw(1024, 16384, color_type=6, bit_depth=16),
    "jpeg-8165x6123": lambda: _pil_save("RGB", (8165, 6123), "JPEG", quality=50, subsampling=0),
    "jpeg-cmyk-8165x6123": lambda: _pil_save("CMYK", (8165, 6123), "JPEG", quality=50),
    "jpeg-panorama-65000x769-baseline": lambda: _pil_save(
        "RGB", (65000, 769), "JPEG", quality=50, subsampling=0
    ),
    "jpeg-progressive-444-5000": lambda: _pil_save(
        "RGB", (5000, 5000), "JPEG", quality=50, progressive=True, subsampling=0
    ),
    "webp-lossless-4096x3051": lambda: _pil_save("RGBA", (4096, 3051), "WEBP", lossless=True),
    "webp-lossy-4096x3051": lambda: _pil_save("RGB", (4096, 3051), "WEBP", quality=10),
    "heif-5000": lambda: _heif((5000, 5000)),
}


# --- One upload, in a child process ------------------------------------------------------------


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _child(path: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from hub.services import images

    data = Path(path).read_bytes()
    base = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # the high-water mark starts again from here
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    try:
        files = images.profile_image_files(source=io.BytesIO(data), max_bytes=MAX_BYTES)
        outcome = f"stored {len(files.image)} + {len(files.thumbnail)} bytes"
    except (images.ImageInvalid, images.ImageTooLarge) as exc:
        outcome = f"refused: {exc}"
    cpu, wall = time.process_time() - cpu_start, time.perf_counter() - wall_start
    peak = _status_kib("VmHWM")
    print(
        json.dumps(
            {
                "outcome": outcome,
                "cpu_s": round(cpu, 3),
                "wall_s": round(wall, 3),
                "base_mib": round(base / 1024, 1),
                "peak_mib": round(peak / 1024, 1),
                "added_mib": round((peak - base) / 1024, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="case names")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    names = args.only or list(CASES)
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="fasthub-images-") as tmp:
        print(
            f"{'image':<28}{'file KiB':>9}{'cpu s':>8}{'base MiB':>10}{'peak MiB':>10}"
            f"{'added MiB':>11}  outcome"
        )
        for name in names:
            data = CASES[name]()
            path = Path(tmp) / name
            path.write_bytes(data)
            child = subprocess.run(  # noqa: S603 - this interpreter, this module
                [sys.executable, "-m", "benchmarks.image_uploads", "--child", str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(child.stdout.strip().splitlines()[-1])
            row["file_kib"] = round(len(data) / 1024, 1)
            results[name] = row
            print(
                f"{name:<28}{row['file_kib']:>9}{row['cpu_s']:>8}{row['base_mib']:>10}"
                f"{row['peak_mib']:>10}{row['added_mib']:>11}  {row['outcome']}",
                flush=True,
            )
    worst_cpu = max(results, key=lambda name: float(results[name]["cpu_s"]))  # type: ignore[arg-type]
    worst_rss = max(results, key=lambda name: float(results[name]["peak_mib"]))  # type: ignore[arg-type]
    print(f"\nworst CPU: {worst_cpu} {results[worst_cpu]['cpu_s']} s")
    print(f"worst peak RSS: {worst_rss} {results[worst_rss]['peak_mib']} MiB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
