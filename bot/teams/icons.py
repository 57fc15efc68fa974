"""The Teams app's two icons, drawn in pure Python and written as PNG (zlib + struct).

Teams wants a full-colour 192×192 icon and a 32×32 outline icon that is white on a transparent
background. Both show the same cup of coffee on its saucer, with steam; the edges are smoothed
by sampling each pixel several times. `read_png` reads such files back (for the package's own
check): 8-bit RGB or RGBA, not interlaced, every PNG row filter.
"""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass
from functools import cache

from bot.teams.manifest import ACCENT_COLOR

COLOR_SIZE = 192
OUTLINE_SIZE = 32
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGBA = 6
_RGB = 2

Pixel = tuple[int, int, int, int]


def _cup(x: float, y: float) -> bool:
    """Whether the point (x, y) of the unit square (y downwards) is inside the drawing."""
    # Steam: two wavy strokes above the cup.
    if 0.04 <= y <= 0.30:
        for centre in (0.36, 0.54):
            wave = centre + 0.04 * math.sin((y - 0.04) / 0.26 * 2 * math.pi)
            if abs(x - wave) < 0.035:
                return True
    # The cup: a rectangle with rounded bottom corners.
    left, right, top, bottom, radius = 0.16, 0.70, 0.38, 0.80, 0.16
    if left <= x <= right and top <= y <= bottom:
        if y <= bottom - radius or left + radius <= x <= right - radius:
            return True
        cx = left + radius if x < left + radius else right - radius
        if math.hypot(x - cx, y - (bottom - radius)) <= radius:
            return True
    # The handle: half a ring on the right.
    distance = math.hypot(x - 0.70, y - 0.55)
    if x >= 0.69 and 0.07 <= distance <= 0.145:
        return True
    # The saucer: a bar with round ends.
    if 0.85 <= y <= 0.92:
        middle = min(max(x, 0.115), 0.825)
        return math.hypot(x - middle, y - 0.885) <= 0.035
    return False


def _coverage(size: int, margin: float, samples: int) -> list[list[float]]:
    """How much of each pixel the drawing covers (0–1), drawn inside a margin (share of size)."""
    inner = size * (1 - 2 * margin)
    offset = size * margin
    steps = [(k + 0.5) / samples for k in range(samples)]
    rows = []
    for row in range(size):
        line = []
        for column in range(size):
            hits = sum(
                _cup((column + dx - offset) / inner, (row + dy - offset) / inner)
                for dy in steps
                for dx in steps
            )
            line.append(hits / (samples * samples))
        rows.append(line)
    return rows


def _hex(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def color_pixels() -> list[list[Pixel]]:
    """192×192: the white cup on Fika's accent colour, edge to edge (Teams rounds the corners)."""
    r, g, b = _hex(ACCENT_COLOR)

    def blend(base: int, share: float) -> int:
        return round(base + (255 - base) * share)

    return [
        [(blend(r, c), blend(g, c), blend(b, c), 255) for c in line]
        for line in _coverage(COLOR_SIZE, 0.18, 3)
    ]


def outline_pixels() -> list[list[Pixel]]:
    """32×32: the cup in white, everything else transparent."""
    return [
        [(255, 255, 255, round(255 * c)) if c else (0, 0, 0, 0) for c in line]
        for line in _coverage(OUTLINE_SIZE, 0.06, 4)
    ]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def encode_png(pixels: list[list[Pixel]]) -> bytes:
    """An 8-bit RGBA PNG of the rows of pixels (each row filtered with "none")."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(v for pixel in row for v in pixel) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, _RGBA, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


@cache
def color_icon() -> bytes:
    return encode_png(color_pixels())


@cache
def outline_icon() -> bytes:
    return encode_png(outline_pixels())


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    has_alpha: bool
    pixels: tuple[tuple[Pixel, ...], ...]  # rows of RGBA (alpha 255 where the file has none)


class PngError(ValueError):
    pass


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(data: bytes) -> Image:
    """Decode an 8-bit RGB/RGBA PNG; PngError says what else it is."""
    if not data.startswith(PNG_SIGNATURE):
        raise PngError("not a PNG file")
    position, header, idat = len(PNG_SIGNATURE), b"", b""
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if len(body) != length:
            raise PngError("the file is cut short")
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        position += 12 + length
    if len(header) != 13:
        raise PngError("no image header (IHDR)")
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or color_type not in (_RGB, _RGBA) or interlace:
        raise PngError("only 8-bit RGB or RGBA PNGs without interlacing are read")
    channels = 4 if color_type == _RGBA else 3
    try:
        raw = zlib.decompress(idat)
    except zlib.error as exc:
        raise PngError(f"the image data does not decompress ({exc})") from None
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise PngError("the image data does not match its size")
    rows: list[tuple[Pixel, ...]] = []
    previous = bytearray(stride)
    for index in range(height):
        start = index * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
            elif kind != 0:
                raise PngError(f"unknown row filter {kind}")
        previous = line
        rows.append(
            tuple(
                (
                    line[i],
                    line[i + 1],
                    line[i + 2],
                    line[i + 3] if channels == 4 else 255,
                )
                for i in range(0, stride, channels)
            )
        )
    return Image(width, height, channels == 4, tuple(rows))
