"""The pieces a sentence is read into by the target extractor: its section, its
quantities and the cue words around them, and the kinds a quantity can be."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from analysis.numbers import (
    YEAR,
)

Kind = Literal["target", "achievement", "instrument", "forecast", "penalty", "other"]
KINDS: Final[tuple[Kind, ...]] = (
    "target",
    "achievement",
    "instrument",
    "forecast",
    "penalty",
    "other",
)
SectionState = Literal["review", "plan", "notes", "unknown"]

# Clause boundaries; an ASCII comma between digits is a thousands separator, not a boundary.
_CLAUSE_BOUNDARY_RE: Final = re.compile(r"[，：（）():]|,(?!\d{3})|(?<!\d),")
_YEAR_RE: Final = re.compile(
    rf"(?<!\d)(?:(?P<y1>{YEAR})\s*[-—–~至]{{1,2}}\s*(?P<y2>{YEAR})|(?P<y>{YEAR}))\s?年"
)


@dataclass(frozen=True, slots=True)
class _Section:
    state: SectionState
    marker: str
    year: int | None


@dataclass(slots=True)
class _Quantity:
    start: int
    end: int
    value: float
    value_high: float
    unit: str
    comparator: str
    scale: bool
    bare: bool = False
    metric: str = ""
    family: str = ""
    kind: Kind = "other"
    cue: str = ""
    deadline: int | None = None


@dataclass(frozen=True, slots=True)
class _Cue:
    start: int
    end: int
    kind: str
    text: str
