"""How every chart looks, on screen and exported: template, region colours, margins, captions.

Charts are drawn with an explicit template instead of Plotly's global default, because
importing Streamlit replaces that default with a placeholder theme (colours `#000001` …)
that only the browser app fills in: an exported PNG, SVG or HTML would come out black.
Margins are sized from the labels themselves, so the longest term or region name is never
cut off, whatever renders the figure.
"""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import plotly.graph_objects as go
import plotly.io as pio

from analysis.escaping import escape_plotly
from analysis.labels import UNKNOWN_REGION, UNKNOWN_YEAR

FONT_STACK: Final = (
    "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, PingFang SC, sans-serif"
)
FONT_SIZE: Final = 13
TITLE_SIZE: Final = 18
ACCENT: Final = "#2f6db5"  # single-series bars and lines
CONTRAST: Final = "#c0392b"  # the other side of a two-sided comparison
NATIONAL_COLOUR: Final = "#37474f"
UNKNOWN_COLOUR: Final = "#a0a0a0"


def _spread_palette(size: int = 36) -> tuple[str, ...]:
    """Colours that stay apart: hues a golden angle apart, three lightness levels and two
    saturations cycling, so neighbours in any order differ in hue and in brightness.
    """
    colours = []
    for i in range(size):
        red, green, blue = colorsys.hls_to_rgb(
            (i * 0.381966) % 1.0, (0.45, 0.62, 0.34)[i % 3], (0.72, 0.6)[(i // 3) % 2]
        )
        colours.append(f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}")
    return tuple(colours)


# Provinces take these in administrative-code order, so 湖北省 has the same colour on every
# chart and in every export.
PALETTE: Final[tuple[str, ...]] = _spread_palette()
NATIONAL_LABELS: Final = frozenset({"全国", "中央", "国务院"})
UNKNOWN_PREFIX: Final = (UNKNOWN_REGION, UNKNOWN_YEAR)


def _template() -> go.layout.Template:
    base = go.layout.Template(pio.templates["plotly_white"])
    base.layout.font = {"family": FONT_STACK, "size": FONT_SIZE, "color": "#222"}
    base.layout.title = {"font": {"size": TITLE_SIZE}, "x": 0, "xanchor": "left", "xref": "paper"}
    base.layout.colorway = PALETTE
    base.layout.legend = {"title": {"text": ""}, "font": {"size": 12}}
    base.layout.hoverlabel = {"font": {"family": FONT_STACK}}
    for axis in ("xaxis", "yaxis"):
        base.layout[axis].automargin = True
        base.layout[axis].title = {"standoff": 8}
    return base


TEMPLATE: Final = _template()


# ---------------------------------------------------------------- colours of regions


@lru_cache(maxsize=1)
def _province_order() -> dict[str, int]:
    from analysis.gazetteer import division_table

    table = division_table()
    provinces = table.loc[table["level"] == "province", "name"].tolist()
    return {name: i for i, name in enumerate(provinces)}


@lru_cache(maxsize=1)
def _city_order() -> dict[str, int]:
    from analysis.gazetteer import division_table

    table = division_table()
    cities = table[table["level"] == "city"]
    return {
        name: i
        for _, group in cities.groupby("province", sort=False)
        for i, name in enumerate(group["name"])
    }


def _shade(colour: str, step: int) -> str:
    """The same hue, lighter or darker by `step` (0 = unchanged): cities of one province."""
    if step == 0:
        return colour
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    offsets = (0.14, -0.12, 0.24, -0.2, 0.3)
    lightness = min(0.85, max(0.18, lightness + offsets[(step - 1) % len(offsets)]))
    r, g, b = colorsys.hls_to_rgb(h, lightness, s)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def region_colour(label: str) -> str | None:
    """A fixed colour for a region label (`湖北省`, `湖北省 武汉市`, `全国`), or None if the
    label is not a region (a year, a type), so such groups take the ordinary palette.

    >>> region_colour("湖北省") == region_colour("湖北省")
    True
    >>> region_colour("2025") is None
    True
    """
    text = str(label).strip()
    if text in NATIONAL_LABELS:
        return NATIONAL_COLOUR
    if text.startswith(UNKNOWN_PREFIX):
        return UNKNOWN_COLOUR
    province, _, city = text.partition(" ")
    index = _province_order().get(province)
    if index is None:
        return None
    colour = PALETTE[index % len(PALETTE)]
    if not city:
        return colour
    return _shade(colour, _city_order().get(city.split(" ")[0], 0) % 6 + 1)


def colour_map(labels: Iterable[str], regions: Sequence[str] = ()) -> dict[str, str]:
    """Colours for the groups of one chart.

    `regions` is every region label of the current selection (`ChartContext.regions`): a
    region takes the palette colour of its place in that list, so all charts of one
    selection agree and up to 36 regions stay far apart. Without it, regions keep their
    fixed colour (`region_colour`); other labels (years, types, terms) take the palette
    in order.
    """
    index = {label: i for i, label in enumerate(regions)}
    chosen: dict[str, str] = {}
    others = 0
    for label in dict.fromkeys(str(x) for x in labels):
        if label in index and region_colour(label) not in (NATIONAL_COLOUR, UNKNOWN_COLOUR):
            chosen[label] = PALETTE[index[label] % len(PALETTE)]
            continue
        colour = region_colour(label)
        if colour is None:
            colour = PALETTE[others % len(PALETTE)]
            others += 1
        chosen[label] = colour
    return chosen


def selection_regions(labels: Iterable[str]) -> tuple[str, ...]:
    """Region labels in administrative-code order: the `regions` of a `ChartContext`.

    >>> selection_regions(["湖北省 武汉市", "北京市", "湖北省"])
    ('北京市', '湖北省', '湖北省 武汉市')
    >>> selection_regions(["湖北省 武汉市", "湖南省", "湖北省"])
    ('湖北省', '湖南省', '湖北省 武汉市')
    """
    order = _province_order()
    cities = _city_order()

    def key(label: str) -> tuple[bool, int, int, str]:
        # provinces first, so up to 36 of them take 36 different colours; their cities after
        province, _, city = label.partition(" ")
        return (bool(city), order.get(province, len(order)), cities.get(city, -1), label)

    return tuple(sorted(dict.fromkeys(str(x) for x in labels), key=key))


# ---------------------------------------------------------------- layout


@dataclass(frozen=True, slots=True)
class ChartContext:
    """What a chart shows beyond its title: the selection (subtitle) and where it came from."""

    subtitle: str = ""
    source: str = ""
    regions: tuple[str, ...] = ()  # every region of the selection: fixes each one's colour


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """Approximate rendered width in pixels: CJK and full-width characters take a full em.

    >>> text_width("汽车") > text_width("ab")
    True
    """
    return sum(size * (1.0 if ord(ch) > 0x2E7F else 0.6) for ch in str(text))


def label_margin(labels: Sequence[object], size: int = FONT_SIZE) -> int:
    """Left margin that holds the longest tick label whole (plus the tick and padding)."""
    widest = max((text_width(str(x), size) for x in labels), default=0)
    return int(widest + 24)


def style(
    figure: go.Figure,
    *,
    title: str,
    context: ChartContext | None = None,
    left_labels: Sequence[object] = (),
    height: int | None = None,
    legend_labels: Sequence[object] = (),
) -> go.Figure:
    """Template, title and subtitle, source line, and margins that fit every label."""
    context = context or ChartContext()
    top = 60 + (24 if context.subtitle else 0)
    bottom = 50 + (28 if context.source else 0)
    left = max(60, label_margin(left_labels)) if len(left_labels) else 60
    title_spec: dict = {"text": title}
    if context.subtitle:
        title_spec["subtitle"] = {"text": context.subtitle, "font": {"size": 12, "color": "#555"}}
    figure.update_layout(
        template=TEMPLATE,
        title=title_spec,
        margin={"l": left, "r": 24, "t": top, "b": bottom, "autoexpand": True},
    )
    if height:
        figure.update_layout(height=height)
    if len(legend_labels) > 12:  # a long legend reads better in columns below the chart
        figure.update_layout(
            legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0, "xanchor": "left"}
        )
    if context.source:
        figure.add_annotation(
            text=context.source,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            yshift=-(bottom - 22),
            showarrow=False,
            font={"size": 11, "color": "#777"},
            name="source",
        )
    return figure


def with_context(figure: go.Figure, context: ChartContext) -> go.Figure:
    """Subtitle and source line added to a figure already styled without them."""
    margin = figure.layout.margin
    left = margin.l if margin.l is not None else 60
    return style(
        figure,
        title=figure.layout.title.text or "",
        context=context,
        height=figure.layout.height,
    ).update_layout(margin_l=left)


def integer_axis(figure: go.Figure, axis: str, maximum: float) -> None:
    """Whole-number ticks for counts: 0, 1, 2 … rather than 0.5 steps on small counts."""
    spec: dict = {"tickformat": ",d", "rangemode": "tozero"}
    if maximum <= 10:
        spec |= {"tick0": 0, "dtick": 1}
    if axis == "x":
        figure.update_xaxes(**spec)
    else:
        figure.update_yaxes(**spec)


def hover_safe(text: object, *, width: int = 36) -> str:
    """Document text inside a Plotly hover or label: escaped (no markup from documents), wrapped."""
    value = escape_plotly(str(text))
    return "<br>".join(value[i : i + width] for i in range(0, len(value), width))


def label_safe(text: object) -> str:
    """A legend entry, axis tick or title from data: Plotly renders a little HTML there."""
    return escape_plotly(str(text))
