"""Bytes for every download: tables as CSV/XLSX, charts as HTML/PNG/SVG.

PNG and SVG are drawn by Kaleido in a headless Chromium that must already be on the
machine (it is never downloaded); `image_export_problem` says what is missing instead.
"""

from __future__ import annotations

import io
import os
import shutil
from functools import lru_cache
from typing import Final, Literal

import pandas as pd
import plotly.graph_objects as go

ImageFormat = Literal["png", "svg"]
BROWSER_CANDIDATES: Final = ("chromium", "chromium-browser", "google-chrome", "chrome")


def table_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens Chinese text correctly on double-click."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def table_xlsx(frame: pd.DataFrame, *, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _excel_safe(frame).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def _excel_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Excel rejects control characters and timezone-aware datetimes; strip both."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(
                lambda v: (
                    "".join(ch for ch in v if ch >= " " or ch in "\n\t")
                    if isinstance(v, str)
                    else v
                )
            )
    return frame


def figure_html(figure: go.Figure) -> bytes:
    """A self-contained page (plotly.js inlined) that opens offline."""
    return figure.to_html(include_plotlyjs=True, full_html=True).encode("utf-8")


def figure_image(
    figure: go.Figure, fmt: ImageFormat, *, width: int = 1200, height: int = 700
) -> bytes:
    problem = image_export_problem()
    if problem:
        raise RuntimeError(problem)
    return figure.to_image(format=fmt, width=width, height=height, scale=2 if fmt == "png" else 1)


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
