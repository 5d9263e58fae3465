"""Exported charts are looked at: colours as on screen, every label whole, Chinese shown.

Streamlit is imported first on purpose: importing it swaps Plotly's default template for a
placeholder theme, which is what made every export black before.
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import plotly.express as px
import pytest
import streamlit  # noqa: F401  (see the module docstring)

from analysis import export
from analysis.bundle import bundle_zip, report_html
from analysis.chart_style import ACCENT, CONTRAST, ChartContext, colour_map, selection_regions
from analysis.figures import (
    TIMELINE_MAX_LINES,
    distinctive_terms_figure,
    documents_by_province_figure,
    documents_by_year_figure,
    target_timeline_figure,
    term_trends_figure,
    top_terms_figure,
)
from analysis.filters import Filters
from analysis.views import build_view, view_settings

from .imagecheck import facts, hex_rgb, share_of_colour, svg_fills, svg_texts

pytestmark = pytest.mark.skipif(
    export.image_export_problem() is not None, reason=str(export.image_export_problem())
)
CONTEXT = ChartContext(subtitle="湖北省；2023–2025 年；全部类型；3 篇文档", source="数据来源：测试")
LONG_TERMS = ["新能源汽车产业链供应链协同创新", "智能网联汽车", "换电站", "车"]


def _terms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "term": LONG_TERMS,
            "count": [40, 30, 20, 10],
            "per_10k": [4.0, 3.0, 2.0, 1.0],
            "docs": [3, 2, 1, 1],
        }
    )


def _png(figure) -> bytes:
    return export.figure_image(figure, "png", scale=1)


def _rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*hex_rgb(colour))


def test_the_checker_sees_a_black_export() -> None:
    """The old way (Plotly Express under Streamlit's template) is caught by the same checks."""
    old = px.bar(_terms(), x="count", y="term", orientation="h")
    old.update_layout(margin={"l": 10, "r": 10, "t": 50, "b": 10})
    seen = facts(_png(old))
    assert seen.black_share > 0.05 or seen.ink_at_left_edge > 0


def test_top_terms_export_has_colour_and_whole_labels() -> None:
    figure = top_terms_figure(_terms(), context=CONTEXT)
    seen = facts(_png(figure))
    assert seen.black_share < 0.02
    assert share_of_colour(seen, ACCENT) > 0.05  # the bars are blue, as on screen
    assert seen.ink_at_left_edge == 0  # the longest term is not cut at the left edge
    svg = export.figure_image(figure, "svg")
    assert _rgb(ACCENT) in svg_fills(svg)
    texts = svg_texts(svg)
    for term in LONG_TERMS:
        assert term in texts
    assert any("湖北省" in t for t in texts) and "数据来源：测试" in texts


def test_margin_grows_with_the_longest_label() -> None:
    short = top_terms_figure(_terms().assign(term=["车", "电", "桩", "站"]))
    long = top_terms_figure(_terms())
    assert long.layout.margin.l > short.layout.margin.l + 100


def _docs_by_province() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "province": ["湖北省", "湖北省", "安徽省", "陕西省", "全国"],
            "year": ["2023", "2025", "2025", "2018", "2025"],
            "documents": [2, 1, 3, 1, 1],
            "chars": [100, 100, 100, 100, 100],
        }
    )


def test_overview_exports_give_each_province_its_colour() -> None:
    table = _docs_by_province()
    regions = selection_regions(table["province"])
    context = ChartContext(subtitle="全部", source="来源", regions=regions)
    colours = colour_map(table["province"], regions)
    assert len(set(colours.values())) == len(colours)  # distinct
    for figure in (
        documents_by_year_figure(table, context=context),
        documents_by_province_figure(table, context=context),
    ):
        seen = facts(_png(figure))
        assert seen.black_share < 0.02 and seen.ink_at_left_edge == 0
        for province in ("湖北省", "安徽省", "陕西省"):
            assert share_of_colour(seen, colours[province]) > 0.002, province
        fills = svg_fills(export.figure_image(figure, "svg"))
        assert {_rgb(colours[p]) for p in ("湖北省", "安徽省")} <= fills


def test_distinctive_and_trend_exports() -> None:
    table = pd.DataFrame(
        {
            "group": ["湖北省 武汉市", "湖北省 武汉市", "其余全部"],
            "term": ["世界车谷", "经开区", "新能源汽车产业链供应链协同创新"],
            "z": [3.0, 2.0, 2.5],
            "count": [5, 4, 6],
            "count_other": [0, 1, 0],
        }
    )
    figure = distinctive_terms_figure(
        table, group="湖北省 武汉市", other="其余全部", context=CONTEXT
    )
    seen = facts(_png(figure))
    assert share_of_colour(seen, CONTRAST) > 0.01 and share_of_colour(seen, ACCENT) > 0.005
    assert seen.ink_at_left_edge == 0
    trends = pd.DataFrame(
        {
            "year": ["2023", "2024", "2025"] * 2,
            "region": [""] * 6,
            "term": ["换电站"] * 3 + ["充电桩"] * 3,
            "count": [1, 2, 3, 3, 2, 1],
            "per_10k": [1.0, 2.0, 3.0, 3.0, 2.0, 1.0],
        }
    )
    figure = term_trends_figure(trends, context=CONTEXT)
    seen = facts(_png(figure))
    assert seen.black_share < 0.02
    assert {"换电站", "充电桩"} <= set(svg_texts(export.figure_image(figure, "svg")))


def _points(regions: int) -> pd.DataFrame:
    names = selection_regions(
        ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
         "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省"][:regions]
    )  # fmt: skip
    rows = [
        {
            "region": name,
            "year": 2025,
            "deadline": 2025 + i % 2,
            "horizon": i % 2,
            "metric": "地区生产总值增长",
            "value": 5.0 + i / 10,
            "value_high": float("nan"),
            "unit": "%",
            "comparator": "≈",
            "sentence": f"{name}地区生产总值增长{5.0 + i / 10}%左右。",
            "shown": 5.0 + i / 10,
            "shown_unit": "%",
        }
        for i, name in enumerate(names)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("regions", [3, TIMELINE_MAX_LINES + 6])
def test_timeline_export_is_readable_for_few_and_many_regions(regions: int) -> None:
    points = _points(regions)
    context = ChartContext(subtitle="x", source="y", regions=selection_regions(points["region"]))
    figure = target_timeline_figure(points, title="目标：增速（%）", context=context)
    svg = export.figure_image(figure, "svg")
    texts = svg_texts(svg)
    assert "目标：增速（%）" in texts
    if regions > TIMELINE_MAX_LINES:  # one row per region, each named whole on the axis
        assert set(points["region"]) <= set(texts)
    seen = facts(_png(figure))
    assert seen.black_share < 0.02 and seen.ink_at_left_edge == 0 and seen.ink_at_right_edge == 0
    assert not any(t[-1:] == "n" and t[:-1].isdigit() for t in texts)  # no "100n" log ticks


def test_bundle_and_report_stand_on_their_own(seed_store) -> None:
    filters = Filters()
    view = build_view(seed_store, "keywords", filters, {"top": 20})
    settings = view_settings(seed_store, filters, ["keywords"], {"top": 20})
    archive = zipfile.ZipFile(io.BytesIO(bundle_zip([view], settings)))
    names = archive.namelist()
    for figure in view.figures:
        for suffix in ("png", "svg", "html"):
            assert any(n.endswith(f"{figure}.{suffix}") for n in names), (figure, suffix)
    saved = json.loads(archive.read("settings.json"))
    assert saved["filters"]["provinces"] == [] and saved["options"] == {"top": 20}
    assert saved["dictionary_version"] and saved["program_version"]
    xlsx = next(n for n in names if n.endswith(".xlsx"))
    sheets = pd.read_excel(io.BytesIO(archive.read(xlsx)), sheet_name=None)
    assert len(sheets) == len(view.tables)
    assert "词语" in next(iter(sheets.values())).columns  # Chinese headers, as on screen
    png = archive.read(next(n for n in names if n.endswith("高频词.png")))
    assert share_of_colour(facts(png), ACCENT) > 0.02

    page = report_html(
        [build_view(seed_store, n, filters) for n in ("overview", "targets")], settings
    )
    text = page.decode("utf-8")
    assert "<script src=" not in text  # plotly.js inlined: opens offline
    assert text.count("Plotly.newPlot") >= 2 and "概览" in text and "目标" in text


def test_spreadsheet_exports_neutralise_formulas_and_keep_headers() -> None:
    frame = pd.DataFrame(
        {
            "句子": ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)", "正常"],
            "n": [1, 2, 3, 4],
        }
    )
    back = pd.read_csv(io.BytesIO(export.table_csv(frame)), encoding="utf-8-sig")
    assert [v[:2] for v in back["句子"]] == ["'=", "'+", "'@", "正常"]
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(export.table_xlsx(frame)))
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row]
    assert not any(c.data_type == "f" for c in cells)  # no live formula
    assert book.active["A1"].value == "句子" and book.active["B2"].value == 1


def test_regions_view_exports_its_heatmap_and_instrument_bars(seed_store) -> None:
    view = build_view(seed_store, "regions", Filters(), {"cmp_lv": "city"})
    assert {"主题强度", "政策工具结构"} <= set(view.figures)
    assert "湖北省 武汉市" in set(view.tables["主题强度"]["分组"])
    seen = facts(_png(view.figures["主题强度"]))
    assert seen.black_share < 0.05 and seen.ink_at_left_edge == 0
    texts = svg_texts(export.figure_image(view.figures["政策工具结构"], "svg"))
    assert any(t.startswith("数据来源") for t in texts)
