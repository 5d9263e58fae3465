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


def _hover_safe(text: str, *, width: int = 36) -> str:
    """Document text inside a Plotly hover: escaped (no markup from documents), wrapped."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(text[i : i + width] for i in range(0, len(text), width))


def _format_value(value: float, high: float | None, unit: str) -> str:
    def fmt(v: float) -> str:
        return f"{v:,.0f}" if v >= 100 or float(v).is_integer() else f"{v:,.2f}".rstrip("0")

    shown = fmt(value) if high is None or pd.isna(high) else f"{fmt(value)}–{fmt(high)}"
    return f"{shown} {unit}"


def _timeline_trace(
    data: pd.DataFrame, region: str, colour: str, axis: str, in_legend: set[str]
) -> go.Scatter:
    hover = [
        f"<b>{_hover_safe(r.metric)}</b><br>{r.comparator} "
        f"{_format_value(r.value, r.value_high, r.unit)}<br>期限 {r.deadline}"
        f"（文档 {r.year}）<br>{_hover_safe(r.sentence)}"
        for r in data.itertuples()
    ]
    return go.Scatter(
        x=data["deadline"],
        y=data["shown"],
        xaxis=f"x{axis}",
        yaxis=f"y{axis}",
        mode="markers",
        name=region,
        legendgroup=region,
        showlegend=region not in in_legend,
        marker={"color": colour, "size": 11, "line": {"width": 1, "color": "white"}},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": [0] * len(data),
            "arrayminus": data["horizon"].tolist(),
            "thickness": 1.5,
            "width": 0,
            "color": colour,
        },
        hovertext=hover,
        hoverinfo="text",
        customdata=data.index.to_numpy(),
    )


def target_timeline_figure(points: pd.DataFrame) -> go.Figure:
    """Targets by deadline, one panel per family (vehicles, money, shares never share an axis).

    Each marker sits at its deadline; a line reaches back to the document's year so the
    horizon is visible. `points` is `timelines.timeline_points` output.
    """
    from plotly.subplots import make_subplots

    families = list(dict.fromkeys(points.sort_values("family")["family"]))
    labels = dict(zip(points["family"], points["family_label"], strict=False))
    figure = make_subplots(
        rows=max(len(families), 1),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[labels[f] for f in families],
    )
    regions = sorted(points["region"].unique())
    palette = px.colors.qualitative.Plotly + px.colors.qualitative.Dark24
    colours = {r: palette[i % len(palette)] for i, r in enumerate(regions)}
    traces: list[go.Scatter] = []
    in_legend: set[str] = set()
    for row, family in enumerate(families, start=1):
        panel = points[points["family"] == family]
        axis = "" if row == 1 else str(row)
        for region, data in panel.groupby("region", sort=True):
            traces.append(_timeline_trace(data, region, colours[region], axis, in_legend))
            in_legend.add(region)
        units = "、".join(dict.fromkeys(panel["shown_unit"]))
        figure.update_yaxes(title_text=units, row=row, col=1)
        positive = panel["shown"][panel["shown"] > 0]
        if len(positive) and positive.max() / positive.min() > 100:
            figure.update_yaxes(type="log", dtick=1, row=row, col=1)
        else:  # a lone target should read as "200", not as the middle of 199–201
            figure.update_yaxes(rangemode="tozero", row=row, col=1)
    # One batch with explicit axes: adding hundreds of traces by row/col is slow.
    figure.add_traces(traces)
    first, last = int((points["deadline"] - points["horizon"]).min()), int(points["deadline"].max())
    figure.update_xaxes(
        dtick=1 if last - first <= 15 else None,  # every year while it fits, else Plotly's choice
        tickformat="d",
        showticklabels=True,
        range=[first - 0.5, last + 0.5],
    )
    figure.update_xaxes(title_text="期限（年）", row=len(families), col=1)
    figure.update_layout(height=max(320, 260 * len(families)), hovermode="closest")
    return _styled(figure, title="目标时间线（横线从文档年份延伸到目标期限）")


def top_terms_figure(frequencies: pd.DataFrame, *, top: int = 30) -> go.Figure:
    """Horizontal bars of the most frequent terms, largest on top.

    `frequencies` is `keywords.keyword_frequencies` output without grouping.
    """
    data = frequencies.nlargest(top, "count").iloc[::-1]
    figure = px.bar(
        data,
        x="count",
        y="term",
        orientation="h",
        hover_data={"per_10k": ":.1f", "docs": True},
        labels={"count": "词频", "term": "", "per_10k": "每万字", "docs": "文档数"},
    )
    figure.update_layout(height=max(360, 22 * len(data) + 80))
    return _styled(figure, title=f"高频词 Top {len(data)}")


def distinctive_terms_figure(table: pd.DataFrame, *, group: str, other: str) -> go.Figure:
    """Diverging bars: terms of `group` to the right, terms of `other` (if compared) to the left.

    `table` is `keywords.distinctive_terms` output; rows of the other group are drawn with
    their z negated so both sides share one axis.
    """
    data = table.assign(
        signed=[z if g == group else -z for g, z in zip(table["group"], table["z"], strict=True)],
        side=[group if g == group else other for g in table["group"]],
    ).sort_values("signed")
    figure = px.bar(
        data,
        x="signed",
        y="term",
        color="side",
        orientation="h",
        hover_data={"count": True, "count_other": True, "side": False, "signed": ":.2f"},
        labels={
            "signed": "z 值（加权对数几率）",
            "term": "",
            "count": "本组词频",
            "count_other": "对照词频",
        },
        color_discrete_sequence=["#c0392b", "#2c7fb8"],
        category_orders={"side": [group, other]},
    )
    figure.add_vline(x=0, line_width=1, line_color="#555")
    figure.update_layout(height=max(360, 22 * len(data) + 80))
    return _styled(figure, title=f"区分性词语：{group} 对 {other}")


def term_trends_figure(trends: pd.DataFrame) -> go.Figure:
    """Per-10k frequency of chosen terms by year; one line per term (and region)."""
    data = trends.assign(series=trends["term"])
    if data["region"].nunique() > 1:
        data["series"] = data["term"] + " · " + data["region"]
    figure = px.line(
        data.sort_values("year"),
        x="year",
        y="per_10k",
        color="series",
        markers=True,
        hover_data={"count": True},
        labels={"year": "年份", "per_10k": "每万字出现次数", "series": "", "count": "词频"},
    )
    figure.update_xaxes(type="category", categoryorder="category ascending")
    return _styled(figure, title="词语趋势")
