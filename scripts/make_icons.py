"""Draw the app icons (PNG, pure zlib: no imaging library) into marketplace/static/icons.

Run once when the design changes: `.venv/bin/python scripts/make_icons.py`; the PNGs are
committed. The mark (two overlapping rings, neighbours helping each other) stays inside the
central 80 % circle, so the same picture is a valid maskable icon.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "marketplace" / "static" / "icons"
BRAND = (0x0B, 0x6E, 0x4F)
WHITE = (0xFF, 0xFF, 0xFF)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


Pixel = Callable[[int, int, int], tuple[int, int, int]]


def png(size: int, pixel: Pixel) -> bytes:
    """An RGB PNG, a `size`-pixel square whose colour at (x, y) is `pixel(x, y, size)`."""
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            rows.extend(pixel(x, y, size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + _chunk(b"IEND", b""))


def mark(x: int, y: int, size: int) -> tuple[int, int, int]:
    """Two white rings side by side on the brand green."""
    u, v = (x + 0.5) / size - 0.5, (y + 0.5) / size - 0.5
    for cx in (-0.1, 0.1):
        r = ((u - cx) ** 2 + v ** 2) ** 0.5
        if 0.13 <= r <= 0.2:
            return WHITE
    return BRAND


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size in (("icon-192.png", 192), ("icon-512.png", 512),
                       ("maskable-512.png", 512), ("apple-touch-icon.png", 180)):
        (OUT / name).write_bytes(png(size, mark))
        print(f"{OUT / name} ({size}x{size})")


if __name__ == "__main__":
    main()
