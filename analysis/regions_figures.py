"""Figures of the regions comparison: theme heatmap, instrument bars, targets, attainment,
similarity heatmap and the province map. Built from the analysis tables; pages only place them.

Group names, codebook labels, metrics and document names come from data (a corrected
region may hold `<b>`), so every one is escaped (`chart_style.label_safe` / `hover_safe`)
before Plotly sees it; a page that maps a click back to a group compares the clicked label
with `label_safe` of its groups' names (`raw_names`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from analysis.attainment import STATUS_LABELS
from analysis.chart_style import hover_safe, label_safe, style
from analysis.instruments import CATEGORY_LABELS

# One colour family per instrument category, one shade per sub-type.
CATEGORY_SHADES: Final[dict[str, tuple[str, ...]]] = {
    "supply": ("#08306b", "#2171b5", "#4292c6", "#6baed6", "#9ecae1"),
    "demand": ("#7f2704", "#d94801", "#f16913", "#fd8d3c"),
    "environment": ("#00441b", "#238b45", "#41ab5d", "#74c476", "#a1d99b", "#c7e9c0"),
}
STATUS_COLOURS: Final = {"met": "#2ca02c", "missed": "#d62728", "no_result": "#9e9e9e"}
SEQUENTIAL: Final = "Blues"


# Heatmap heights: title, subtitle, source line and axis labels, then a row of text per group
# or theme (a label of the 13 px font needs about 20 px to be drawn).
ROW_CHROME: Final = 240
ROW_PX: Final = 26


def _styled(figure: go.Figure, *, title: str, height: int | None = None) -> go.Figure:
    """The shared look (template, fonts, margins sized to the longest row label)."""
    labels = [
        y
        for trace in figure.data
        if trace.type != "scatter" and getattr(trace, "y", None) is not None
        for y in list(trace.y)
        if isinstance(y, str)
    ]
    return style(figure, title=title, left_labels=labels, height=height)


def raw_names(names: Iterable[str]) -> dict[str, str]:
    """escaped label -> raw name, to map a clicked axis label back to its group."""
    return {label_safe(name): name for name in names}


def _safe(values: Iterable[object]) -> list[str]:
    return [label_safe(v) for v in values]


def theme_heatmap(profile: pd.DataFrame, *, value: str = "per_10k") -> go.Figure:
    """Groups × themes, coloured by `value` (per_10k or share); hover shows hits and sentences."""
    wide = profile.pivot(index="label", columns="group", values=value)
    hits = profile.pivot(index="label", columns="group", values="hits").reindex_like(wide)
    order = profile.drop_duplicates("label")["label"].tolist()
    wide, hits = wide.reindex(order), hits.reindex(order)
    text = wide.map(lambda v: f"{v:.1f}" if value == "per_10k" else f"{v:.0%}")
    figure = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=_safe(wide.columns),
            y=_safe(wide.index),
            text=text.to_numpy(),
            texttemplate="%{text}",
            customdata=hits.to_numpy(),
            colorscale=SEQUENTIAL,
            hovertemplate="%{x} · %{y}<br>每万字 %{z:.2f}<br>命中 %{customdata} 次<extra></extra>"
            if value == "per_10k"
            else "%{x} · %{y}<br>占比 %{z:.1%}<br>命中 %{customdata} 次<extra></extra>",
            colorbar={"title": "每万字" if value == "per_10k" else "占比"},
        )
    )
    _clickable_cells(figure, wide, hits)
    # Every theme named: left to itself Plotly drops every other row label when rows are
    # tight, and an unnamed row of numbers cannot be read.
    figure.update_yaxes(autorange="reversed", dtick=1)
    figure.update_xaxes(dtick=1)
    return _styled(
        figure, title="主题强度（每万字命中次数）", height=ROW_CHROME + ROW_PX * len(order)
    )


def _clickable_cells(figure: go.Figure, wide: pd.DataFrame, hits: pd.DataFrame) -> None:
    """Near-invisible markers on every heatmap cell: a heatmap itself reports no clicked
    point to the page, a scatter does, so a click on a cell can open its sentences.
    """
    cells = wide.stack().rename("value").reset_index()
    cells.columns = ["label", "group", "value"]
    figure.add_scatter(
        x=_safe(cells["group"]),
        y=_safe(cells["label"]),
        mode="markers",
        marker={"size": 18, "opacity": 0.01, "color": "#000000", "symbol": "square"},
        customdata=hits.stack().reindex(pd.MultiIndex.from_frame(cells[["label", "group"]])),
        hovertemplate="%{x} · %{y}<br>点击查看句子（命中 %{customdata} 次）<extra></extra>",
        showlegend=False,
    )


def instrument_bars(mix: pd.DataFrame) -> go.Figure:
    """Stacked bars: each group's coded sentences by sub-type, one colour family per category."""
    figure = go.Figure()
    for category, shades in CATEGORY_SHADES.items():
        subtypes = mix[mix["category"] == category].drop_duplicates("instrument")
        for shade, (inst, label) in zip(
            shades, zip(subtypes["instrument"], subtypes["label"], strict=True), strict=False
        ):
            rows = mix[mix["instrument"] == inst]
            name = label_safe(f"{CATEGORY_LABELS[category]}·{label}")
            figure.add_bar(
                x=_safe(rows["group"]),
                y=rows["share"],
                name=name,
                marker_color=shade,
                customdata=rows[["sentences", "instrument"]].to_numpy(),
                hovertemplate="%{x}<br>"
                + name
                + "<br>%{y:.1%}（%{customdata[0]} 句）<extra></extra>",
            )
    figure.update_layout(barmode="stack", yaxis_tickformat=".0%", yaxis_title="占已编码句子")
    return _styled(figure, title="政策工具结构（供给型 / 需求型 / 环境型）", height=480)


def targets_strip(targets: pd.DataFrame) -> go.Figure:
    """Target values per group for one family and unit (points, hover = metric and deadline)."""
    figure = go.Figure()
    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
    for colour, (group, rows) in zip(
        palette * 10, targets.groupby("group", sort=False), strict=False
    ):
        figure.add_scatter(
            x=rows["deadline"],
            y=rows["value"],
            mode="markers",
            name=label_safe(group),
            marker={"color": colour, "size": 10, "opacity": 0.8},
            customdata=[[hover_safe(m)] for m in rows["metric"]],
            hovertemplate=label_safe(group)
            + "<br>%{customdata[0]}<br>%{y:,.4g}（期限 %{x}）<extra></extra>",
        )
    figure.update_xaxes(title="期限", dtick=1)
    figure.update_yaxes(title="目标值")
    return _styled(figure, title="目标值对比（同一指标类别与单位）", height=420)


def attainment_bars(table: pd.DataFrame) -> go.Figure:
    """Per group: targets met, missed and without a result."""
    figure = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        counts = table[table["status"] == status].groupby("group").size()
        figure.add_bar(
            x=_safe(counts.index),
            y=counts.to_numpy(),
            name=STATUS_LABELS[status],
            marker_color=colour,
        )
    figure.update_layout(barmode="stack", yaxis_title="目标数")
    return _styled(figure, title="目标是否实现（上一年目标 × 下一年报告的结果）", height=380)


def similarity_heatmap(
    matrix: pd.DataFrame, *, title: str = "词汇相似度（TF-IDF 余弦）"
) -> go.Figure:
    """A square similarity matrix as a heatmap, 0–1."""
    figure = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=_safe(matrix.columns),
            y=_safe(matrix.index),
            zmin=0,
            zmax=1,
            colorscale="Viridis",
            texttemplate="%{z:.2f}" if len(matrix) <= 12 else None,
            hovertemplate="%{y} × %{x}<br>相似度 %{z:.3f}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed", dtick=1)
    figure.update_xaxes(dtick=1)
    return _styled(figure, title=title, height=ROW_CHROME + ROW_PX * len(matrix))


def _outline(geometry: dict) -> tuple[np.ndarray, np.ndarray]:
    """x and y of every ring of a (Multi)Polygon, rings separated by gaps (NaN, drawn as
    breaks). Arrays, not lists: Plotly validates a list point by point, which took a
    quarter of a second for the provinces.
    """
    rings = [
        np.asarray(ring, dtype=float)[:, :2]
        for polygon in geometry["coordinates"]
        for ring in polygon
    ]
    gap = np.full((1, 2), np.nan)
    points = np.concatenate([part for ring in rings for part in (ring, gap)]) if rings else gap
    return points[:, 0], points[:, 1]


def province_map(
    values: pd.DataFrame, geojson: dict, *, measure: str, source: str, title: str | None = None
) -> go.Figure:
    """Areas coloured by `value` (columns province, value: the feature names, provinces or
    cities), drawn as filled shapes on plain
    axes: no map tiles and no base layers fetched from the internet, so it works offline.
    Provinces without a value are grey.
    """
    lookup = dict(zip(values["province"], values["value"], strict=True))
    known = [float(v) for v in lookup.values() if pd.notna(v)]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    span = (high - low) or 1.0
    figure = go.Figure()
    for feature in geojson["features"]:
        name = feature["properties"]["name"]
        value = lookup.get(name)
        has_value = value is not None and pd.notna(value)
        colour = (
            sample_colorscale(SEQUENTIAL, [0.15 + 0.85 * (float(value) - low) / span])[0]
            if has_value
            else "#eeeeee"
        )
        xs, ys = _outline(feature["geometry"])
        figure.add_scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor=colour,
            line={"color": "#8c8c8c", "width": 0.6},
            name=label_safe(name),
            hoveron="fills",
            text=f"{label_safe(name)}<br>{label_safe(measure)} {float(value):,.3g}"
            if has_value
            else f"{label_safe(name)}<br>无数据",
            hoverinfo="text",
            showlegend=False,
        )
    figure.add_scatter(  # carries the colour bar only
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "colorscale": [
                [0, sample_colorscale(SEQUENTIAL, [0.15])[0]],
                [1, sample_colorscale(SEQUENTIAL, [1.0])[0]],
            ],
            "cmin": low,
            "cmax": high,
            "color": [low],
            "showscale": True,
            "colorbar": {"title": measure},
        },
        hoverinfo="skip",
        showlegend=False,
    )
    # equirectangular at ~35°N: a degree of longitude is cos(35°) of a degree of latitude
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(35)))
    figure.add_annotation(
        text=source, x=0, y=0, xref="paper", yref="paper", showarrow=False, font_size=10
    )
    return _styled(figure, title=title or f"各省{measure}", height=560)


__all__ = [
    "attainment_bars",
    "instrument_bars",
    "province_map",
    "raw_names",
    "similarity_heatmap",
    "targets_strip",
    "theme_heatmap",
]
