"""Bytes for every download: tables as CSV/XLSX, charts as HTML/PNG/SVG.

PNG and SVG are drawn by Kaleido in a headless Chromium that must already be on the
machine (it is never downloaded); `image_export_problem` says what is missing instead.
Cells that a spreadsheet would run as a formula are neutralised in CSV and XLSX files; the
command line's data output for scripts stays raw.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Mapping
from functools import lru_cache
from typing import Final, Literal

import pandas as pd
import plotly.graph_objects as go

ImageFormat = Literal["png", "svg"]
BROWSER_CANDIDATES: Final = ("chromium", "chromium-browser", "google-chrome", "chrome")
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_WIDTH: Final = 1200
DEFAULT_HEIGHT: Final = 700


def _neutralised(value: object) -> object:
    """`=HYPERLINK(…)` -> `'=HYPERLINK(…)`: shown as text, never run by a spreadsheet.

    >>> _neutralised("=1+1"), _neutralised("-5"), _neutralised("武汉")
    ("'=1+1", "'-5", '武汉')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Columns holding text (object or pandas string dtype), whichever pandas produced."""
    return [
        c
        for c in frame.columns
        if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
    ]


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells neutralised against formula injection; headers too."""
    frame = frame.copy()
    for column in text_columns(frame):
        frame[column] = frame[column].map(_neutralised)
    return frame.set_axis([_neutralised(str(c)) for c in frame.columns], axis=1)


def table_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens Chinese text correctly on double-click."""
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8-sig")


def table_xlsx(frame: pd.DataFrame, *, sheet: str = "data") -> bytes:
    return tables_xlsx({sheet: frame})


def tables_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """One workbook, a sheet per table (names cut to Excel's 31 characters, kept unique)."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet = _sheet_name(name, used)
            _excel_safe(spreadsheet_safe(frame)).to_excel(writer, index=False, sheet_name=sheet)
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "sheet"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}_{n}", n + 1
    used.add(candidate)
    return candidate


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel rejects control characters and timezone-aware datetimes; strip both."""
    frame = frame.copy()
    for column in text_columns(frame):
        frame[column] = frame[column].map(
            lambda v: (
                "".join(ch for ch in v if ch >= " " or ch in "\n\t") if isinstance(v, str) else v
            )
        )
    return frame


def figure_html(figure: go.Figure) -> bytes:
    """A self-contained page (plotly.js inlined) that opens offline."""
    return figure.to_html(
        include_plotlyjs=True, full_html=True, config={"displaylogo": False}
    ).encode("utf-8")


def figure_size(figure: go.Figure) -> tuple[int, int]:
    """The figure's own height (charts size themselves to their rows), a report-friendly width."""
    height = figure.layout.height
    return DEFAULT_WIDTH, int(height) if height else DEFAULT_HEIGHT


def figure_image(
    figure: go.Figure,
    fmt: ImageFormat,
    *,
    width: int | None = None,
    height: int | None = None,
    scale: float = 2.0,
) -> bytes:
    """PNG at `scale` times its size (2 = sharp on print and retina), or SVG."""
    problem = image_export_problem()
    if problem:
        raise RuntimeError(problem)
    own_width, own_height = figure_size(figure)
    return figure.to_image(
        format=fmt,
        width=width or own_width,
        height=height or own_height,
        scale=scale if fmt == "png" else 1,
    )


@lru_cache(maxsize=1)
def image_export_problem() -> str | None:
    """None if charts can be saved as PNG/SVG here, else what to install."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return "图片导出需要 Python 包 kaleido：pip install kaleido"
    if os.environ.get("BROWSER_PATH") or any(shutil.which(b) for b in BROWSER_CANDIDATES):
        return None
    return (
        "图片导出需要本机安装 Chromium（Debian/Ubuntu：sudo apt-get install chromium）；"
        "HTML 导出不受影响"
    )
