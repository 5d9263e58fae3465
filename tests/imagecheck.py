"""Looking at exported charts the way a reader does: colours present, nothing cut at the edges.

Used by the export tests and the browser test, on PNG bytes from any source.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    black_share: float  # share of near-black pixels: a chart whose colours were lost is black
    ink_at_left_edge: int  # dark pixels in the first columns: a clipped label touches the edge
    ink_at_right_edge: int
    colours: dict[tuple[int, int, int], int]  # quantised colour -> pixel count


def facts(png: bytes, *, edge: int = 3) -> ImageFacts:
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    height, width, _ = pixels.shape
    flat = pixels.reshape(-1, 3)
    black = int(np.all(flat < 40, axis=1).sum())
    keys, counts = np.unique(flat // 16 * 16, axis=0, return_counts=True)
    dark = pixels.sum(axis=2) < 3 * 160
    return ImageFacts(
        width=width,
        height=height,
        black_share=black / max(len(flat), 1),
        ink_at_left_edge=int(dark[:, :edge].sum()),
        ink_at_right_edge=int(dark[:, width - edge :].sum()),
        colours={tuple(int(v) for v in k): int(c) for k, c in zip(keys, counts, strict=True)},
    )


def hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return (int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16))


def share_of_colour(found: ImageFacts, colour: str) -> float:
    """Share of pixels within one quantisation step of `colour`."""
    target = tuple(v // 16 * 16 for v in hex_rgb(colour))
    near = sum(
        count
        for key, count in found.colours.items()
        if all(abs(a - b) <= 16 for a, b in zip(key, target, strict=True))
    )
    return near / max(sum(found.colours.values()), 1)


def svg_fills(svg: bytes) -> set[str]:
    """Every fill colour an SVG uses, as `rgb(r, g, b)` strings."""
    return set(re.findall(r"fill:\s*(rgb\([^)]*\))", svg.decode("utf-8")))


def svg_texts(svg: bytes) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode("utf-8"))
