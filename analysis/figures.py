"""Plotly figures built from the analysis tables; the pages only place them.

Every figure goes through `chart_style.style`, so on screen and in every export it has the
same explicit colours (one per region, fixed across charts), margins that hold its longest
label, a title, a subtitle naming the selection and a source line.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.chart_style import (
    ACCENT,
    CONTRAST,
    PALETTE,
    ChartContext,
    colour_map,
    hover_safe,
    integer_axis,
    label_safe,
    style,
)

# Overview charts keep this many provinces apart; the rest are summed as 其他.
TOP_PROVINCES = 12
OTHER = "其他地区"
# The timeline draws one line per region while the regions fit in a legend; above that it
# becomes a dot plot with one row per region.
TIMELINE_MAX_LINES = 10
# Beyond this many deadlines, the dot plot colours by a scale instead of a legend entry each.
MAX_DEADLINE_COLOURS = 6


def documents_by_year_figure(
    table: pd.DataFrame, *, context: ChartContext | None = None
) -> go.Figure:
    """Stacked bars: documents per year, one colour per province (the largest ones; the
    rest as 其他地区), so a corpus of hundreds of cities still reads.

    `table` is `overview.documents_by_province_year` output.
    """
    totals = table.groupby("province")["documents"].sum().sort_values(ascending=False)
    keep = list(totals.index[:TOP_PROVINCES])
    data = table.assign(province=table["province"].where(table["province"].isin(keep), OTHER))
    data = data.groupby(["year", "province"], as_index=False)["documents"].sum()
    order = [p for p in keep if p in set(data["province"])] + (
        [OTHER] if OTHER in set(data["province"]) else []
    )
    colours = colour_map(order, _regions(context)) | {OTHER: "#c8c8c8"}
    years = sorted(data["year"].unique(), key=_year_sort_key)
    figure = go.Figure(
        [
            go.Bar(
                x=part["year"],
                y=part["documents"],
                name=label_safe(province),
                marker_color=colours[province],
                hovertemplate=f"{label_safe(province)}<br>%{{x}}：%{{y}} 篇<extra></extra>",
            )
            for province in order
            for part in [data[data["province"] == province]]
        ]
    )
    figure.update_layout(barmode="stack", bargap=0.15)
    figure.update_xaxes(
        type="category", categoryorder="array", categoryarray=years, title_text="年份"
    )
    per_year = data.groupby("year")["documents"].sum()
    integer_axis(figure, "y", float(per_year.max()) if len(per_year) else 0)
    figure.update_yaxes(title_text="文档数")
    return style(figure, title="各年份文档数（按省份）", context=context, legend_labels=order)


def documents_by_province_figure(
    table: pd.DataFrame, *, context: ChartContext | None = None
) -> go.Figure:
    """Horizontal bars: documents per province, largest on top, in each province's colour.

    `table` is `overview.documents_by_province_year` output.
    """
    totals = table.groupby("province", as_index=False)["documents"].sum()
    totals = totals.sort_values("documents").reset_index(drop=True)
    colours = colour_map(totals["province"], _regions(context))
    figure = go.Figure(
        go.Bar(
            x=totals["documents"],
            y=[label_safe(p) for p in totals["province"]],
            orientation="h",
            marker_color=[colours[p] for p in totals["province"]],
            hovertemplate="%{y}：%{x} 篇<extra></extra>",
            text=totals["documents"],
            textposition="outside",
            cliponaxis=False,
        )
    )
    integer_axis(figure, "x", float(totals["documents"].max()) if len(totals) else 0)
    figure.update_xaxes(title_text="文档数")
    return style(
        figure,
        title="各省份文档数",
        context=context,
        left_labels=totals["province"].tolist(),
        height=max(320, 24 * len(totals) + 140),
    )


def _regions(context: ChartContext | None) -> tuple[str, ...]:
    return context.regions if context else ()


def _year_sort_key(year: object) -> tuple[int, str]:
    text = str(year)
    return (0, text) if text.isdigit() else (1, text)


def _format_value(value: float, high: float | None, unit: str) -> str:
    def fmt(v: float) -> str:
        return f"{v:,.0f}" if v >= 100 or float(v).is_integer() else f"{v:,.2f}".rstrip("0")

    shown = fmt(value) if high is None or pd.isna(high) else f"{fmt(value)}–{fmt(high)}"
    return f"{shown} {unit}"


def _hover_lines(data: pd.DataFrame) -> list[str]:
    return [
        f"<b>{hover_safe(r.region)}</b> · {hover_safe(r.metric)}<br>{hover_safe(r.comparator)} "
        f"{_format_value(r.value, r.value_high, r.unit)}<br>期限 {r.deadline}"
        f"（文档 {r.year}）<br>{hover_safe(r.sentence)}"
        for r in data.itertuples()
    ]


def target_timeline_figure(
    points: pd.DataFrame, *, title: str = "目标", context: ChartContext | None = None
) -> go.Figure:
    """Targets of one metric (or a few comparable ones) across regions and deadlines.

    With few regions: deadline on the x axis, value on the y axis, one colour per region,
    and a thin line back to the year of the document so the horizon shows. With many
    regions: one row per region (sorted by value), values on the x axis, colour by deadline,
    so thirty provinces' growth targets read at a glance. One panel per display unit.
    `points` is `timelines.timeline_points` output.
    """
    units = main_units(points)
    points = points[points["shown_unit"].isin(units)]
    many = points["region"].nunique() > TIMELINE_MAX_LINES
    rows_per_unit = [
        max(points.loc[points["shown_unit"] == u, "region"].nunique(), 3) if many else 12
        for u in units
    ]
    figure = make_subplots(
        rows=len(units),
        cols=1,
        vertical_spacing=0.08 if len(units) > 1 else 0.0,
        row_heights=rows_per_unit,
        subplot_titles=[f"单位：{label_safe(u)}" for u in units] if len(units) > 1 else None,
    )
    traces: list[go.Scatter] = []
    regions: list[str] = []
    for row, unit in enumerate(units, start=1):
        panel = points[points["shown_unit"] == unit]
        axis = "" if row == 1 else str(row)
        if many:
            traces += _dot_rows(panel, axis, first=row == 1)
            rows = _regions_by_value(panel)
            regions += rows
            figure.update_xaxes(title_text=f"目标值（{unit}）", row=row, col=1)
            figure.update_yaxes(
                categoryorder="array", categoryarray=rows, type="category", row=row, col=1
            )
        else:
            traces += _region_lines(panel, axis, first=row == 1, regions=_regions(context))
            figure.update_yaxes(title_text=f"目标值（{unit}）", row=row, col=1, rangemode="tozero")
    figure.add_traces(traces)  # one batch with explicit axes: fast on the whole corpus
    if many:
        height = max(360, 22 * sum(rows_per_unit) + 110 * len(units) + 120)
        legend = sorted(points["deadline"].unique())
    else:
        first = int((points["deadline"] - points["horizon"]).min())
        last = int(points["deadline"].max())
        figure.update_xaxes(
            dtick=1 if last - first <= 15 else None,
            tickformat="d",
            range=[first - 0.5, last + 0.5],
        )
        figure.update_xaxes(title_text="期限（年）", row=len(units), col=1)
        height = max(380, 300 * len(units) + 120)
        legend = list(points["region"].unique())
    figure.update_layout(hovermode="closest", legend_title_text="期限" if many else "")
    style(
        figure,
        title=title,
        context=context,
        left_labels=regions,
        height=height,
        legend_labels=legend,
    )
    if len(units) > 1:  # room for the first panel's unit title under the subtitle
        figure.update_layout(margin_t=figure.layout.margin.t + 24)
    return figure


def main_units(points: pd.DataFrame, *, share: float = 0.2) -> list[str]:
    """The display units worth a panel: the most common one, and any other holding at least
    `share` of the targets (GDP growth in % gets one panel; the odd 翻一番 does not).
    """
    counts = points["shown_unit"].value_counts()
    if counts.empty:
        return []
    return [u for u, n in counts.items() if u == counts.index[0] or n >= share * counts.sum()]


def _regions_by_value(points: pd.DataFrame) -> list[str]:
    """Region rows ordered so the largest target is on top."""
    order = points.groupby("region")["shown"].max().sort_values()
    return [label_safe(r) for r in order.index]


def _dot_rows(panel: pd.DataFrame, axis: str, *, first: bool) -> list[go.Scatter]:
    """One marker per target on its region's row; a colour per deadline while the deadlines
    fit in a legend, else a colour scale with a bar (plans reaching from 1990 to 2035).
    """
    deadlines = sorted(panel["deadline"].unique())
    if len(deadlines) > MAX_DEADLINE_COLOURS:
        return [
            go.Scatter(
                x=panel["shown"],
                y=[label_safe(r) for r in panel["region"]],
                xaxis=f"x{axis}",
                yaxis=f"y{axis}",
                mode="markers",
                name="期限",
                showlegend=False,
                marker={
                    "color": panel["deadline"],
                    "colorscale": "Viridis",
                    "size": 10,
                    "line": {"width": 1, "color": "white"},
                    "colorbar": {"title": {"text": "期限"}, "tickformat": "d"} if first else None,
                    "showscale": first,
                },
                hovertext=_hover_lines(panel),
                hoverinfo="text",
                customdata=panel.index.to_numpy(),
            )
        ]
    colours = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(deadlines)}
    traces = []
    for deadline in deadlines:
        data = panel[panel["deadline"] == deadline]
        traces.append(
            go.Scatter(
                x=data["shown"],
                y=[label_safe(r) for r in data["region"]],
                xaxis=f"x{axis}",
                yaxis=f"y{axis}",
                mode="markers",
                name=f"{deadline} 年",
                legendgroup=str(deadline),
                showlegend=first,
                marker={
                    "color": colours[deadline],
                    "size": 11,
                    "line": {"width": 1, "color": "white"},
                },
                hovertext=_hover_lines(data),
                hoverinfo="text",
                customdata=data.index.to_numpy(),
            )
        )
    return traces


def _region_lines(
    panel: pd.DataFrame, axis: str, *, first: bool, regions: tuple[str, ...]
) -> list[go.Scatter]:
    colours = colour_map(sorted(panel["region"].unique()), regions)
    traces = []
    for region, data in panel.sort_values("deadline").groupby("region", sort=True):
        colour = colours[str(region)]
        traces.append(
            go.Scatter(
                x=data["deadline"],
                y=data["shown"],
                xaxis=f"x{axis}",
                yaxis=f"y{axis}",
                mode="markers",
                name=label_safe(region),
                legendgroup=str(region),
                showlegend=first,
                marker={"color": colour, "size": 12, "line": {"width": 1, "color": "white"}},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [0] * len(data),
                    "arrayminus": data["horizon"].tolist(),
                    "thickness": 1.5,
                    "width": 0,
                    "color": colour,
                },
                hovertext=_hover_lines(data),
                hoverinfo="text",
                customdata=data.index.to_numpy(),
            )
        )
    return traces


def top_terms_figure(
    frequencies: pd.DataFrame, *, top: int = 30, context: ChartContext | None = None
) -> go.Figure:
    """Horizontal bars of the most frequent terms, largest on top.

    `frequencies` is `keywords.keyword_frequencies` output without grouping.
    """
    data = frequencies.nlargest(top, "count").iloc[::-1]
    figure = go.Figure(
        go.Bar(
            x=data["count"],
            y=[label_safe(t) for t in data["term"]],
            orientation="h",
            marker_color=ACCENT,
            customdata=data[["per_10k", "docs"]].to_numpy(),
            hovertemplate=(
                "%{y}<br>词频 %{x:,}<br>每万字 %{customdata[0]:.1f}"
                "<br>文档数 %{customdata[1]}<extra></extra>"
            ),
        )
    )
    integer_axis(figure, "x", float(data["count"].max()) if len(data) else 0)
    figure.update_xaxes(title_text="词频")
    return style(
        figure,
        title=f"高频词 Top {len(data)}",
        context=context,
        left_labels=data["term"].tolist(),
        height=max(360, 22 * len(data) + 140),
    )


def distinctive_terms_figure(
    table: pd.DataFrame, *, group: str, other: str, context: ChartContext | None = None
) -> go.Figure:
    """Diverging bars: terms of `group` to the right, terms of `other` (if compared) to the left.

    `table` is `keywords.distinctive_terms` output; rows of the other group are drawn with
    their z negated so both sides share one axis.
    """
    data = table.assign(
        signed=[z if g == group else -z for g, z in zip(table["group"], table["z"], strict=True)],
        side=[group if g == group else other for g in table["group"]],
    ).sort_values("signed")
    traces = []
    for side, colour in ((group, CONTRAST), (other, ACCENT)):
        part = data[data["side"] == side]
        if part.empty:
            continue
        traces.append(
            go.Bar(
                x=part["signed"],
                y=[label_safe(t) for t in part["term"]],
                orientation="h",
                name=label_safe(side),
                marker_color=colour,
                customdata=part[["count", "count_other"]].to_numpy(),
                hovertemplate=(
                    "%{y}<br>z %{x:.2f}<br>本组词频 %{customdata[0]}"
                    "<br>对照词频 %{customdata[1]}<extra></extra>"
                ),
            )
        )
    figure = go.Figure(traces)
    figure.update_yaxes(categoryorder="array", categoryarray=[label_safe(t) for t in data["term"]])
    figure.add_vline(x=0, line_width=1, line_color="#555")
    figure.update_xaxes(title_text="z 值（加权对数几率）")
    return style(
        figure,
        title=f"区分性词语：{group} 对 {other}",
        context=context,
        left_labels=data["term"].tolist(),
        height=max(360, 22 * len(data) + 140),
    )


def term_trends_figure(trends: pd.DataFrame, *, context: ChartContext | None = None) -> go.Figure:
    """Per-10k frequency of chosen terms by year; one line per term, or per term and region
    (then the colour is the region's and the dash pattern the term's).
    """
    by_region = trends["region"].nunique() > 1
    terms = list(dict.fromkeys(trends["term"]))
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    colours = colour_map(trends["region"], _regions(context)) if by_region else colour_map(terms)
    traces = []
    for (term, region), data in trends.sort_values("year").groupby(["term", "region"], sort=False):
        name = f"{term} · {region}" if by_region else str(term)
        traces.append(
            go.Scatter(
                x=data["year"].astype(str),
                y=data["per_10k"],
                mode="lines+markers",
                name=label_safe(name),
                line={
                    "color": colours[str(region) if by_region else str(term)],
                    "dash": dashes[terms.index(term) % len(dashes)] if by_region else "solid",
                    "width": 2.5,
                },
                customdata=data[["count"]].to_numpy(),
                hovertemplate=(
                    f"{label_safe(name)}<br>%{{x}}：每万字 %{{y:.2f}}"
                    "<br>词频 %{customdata[0]}<extra></extra>"
                ),
            )
        )
    figure = go.Figure(traces)
    years = sorted(trends["year"].astype(str).unique(), key=_year_sort_key)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=years)
    figure.update_xaxes(title_text="年份")
    figure.update_yaxes(title_text="每万字出现次数", rangemode="tozero")
    return style(figure, title="词语趋势", context=context, legend_labels=[t.name for t in traces])
