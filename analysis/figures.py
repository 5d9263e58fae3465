"""Plotly figures built from the analysis tables; the pages only place them.

Figures carry Chinese titles and axis labels and a CJK-capable font stack, so an exported
PNG reads the same as the chart on screen.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

FONT_STACK: Final = (
    "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
)


def _styled(figure: go.Figure, *, title: str) -> go.Figure:
    figure.update_layout(
        title=title,
        font_family=FONT_STACK,
        legend_title_text="",
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return figure


def documents_by_region_year_figure(table: pd.DataFrame) -> go.Figure:
    """Stacked bars: documents per year, one colour per region.

    `table` is `overview.documents_by_region_year` output.
    """
    figure = px.bar(
        table,
        x="year",
        y="documents",
        color="region",
        hover_data={"chars": True},
        labels={"year": "年份", "documents": "文档数", "region": "地区", "chars": "字数"},
    )
    figure.update_xaxes(type="category", categoryorder="category ascending")
    return _styled(figure, title="各地区各年份文档数")
