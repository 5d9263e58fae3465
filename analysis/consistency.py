"""Checks of one document's metadata that a reader should see before trusting an analysis."""

from __future__ import annotations

import pandas as pd


def year_date_conflict(year: object, date: object) -> str | None:
    """A message when the year disagrees with the date's year, else None.

    >>> year_date_conflict(2023, "2025-07-06")
    '年份 2023 与日期 2025-07-06 不一致：请核对并在下方更正。'
    >>> year_date_conflict(2025, "2025-07-06") is None
    True
    """
    text = str(date or "")
    if year is None or pd.isna(year) or len(text) < 4 or not text[:4].isdigit():  # type: ignore[arg-type]
        return None
    if int(float(year)) != int(text[:4]):  # type: ignore[arg-type]
        return f"年份 {int(float(year))} 与日期 {text} 不一致：请核对并在下方更正。"  # type: ignore[arg-type]
    return None
