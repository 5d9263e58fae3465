from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis import export
from analysis.figures import target_timeline_figure, top_terms_figure
from analysis.timelines import (
    display_scale,
    select_quantities,
    target_summary,
    targets_by,
    timeline_points,
)

QUANTITIES = pd.DataFrame(
    {
        "doc_id": ["a", "a", "a", "b", "b"],
        "source": ["a.txt"] * 3 + ["b.txt"] * 2,
        "province": ["安徽省"] * 3 + ["湖北省"] * 2,
        "city": ["合肥市"] * 3 + ["武汉市"] * 2,
        "year": [2025] * 3 + [2023] * 2,
        "deadline": pd.array([2026, 2025, None, 2025, 2023], dtype="Int64"),
        "horizon": pd.array([1, 0, None, 2, 0], dtype="Int64"),
        "metric": [
            "整车年产能",
            "动力电池本地配套率",
            "落地补贴",
            "新能源汽车产量",
            "<script>x</script>",
        ],
        "family": ["vehicles", "share", "money", "vehicles", "money"],
        "value": [2_000_000.0, 80.0, 5e8, 500_000.0, 3e9],
        "value_high": [float("nan")] * 5,
        "unit": ["辆", "%", "元", "辆", "元"],
        "comparator": [">", ">=", "<=", "=", "="],
        "kind": ["target", "target", "instrument", "target", "target"],
        "scale": [False] * 5,
        "cue": ["力争"] * 5,
        "raw": ["200万辆", "80%", "5亿元", "50万辆", "30亿元"],
        "sentence": [
            "到2026年整车年产能突破200万辆。",
            "配套率达到80%以上。",
            "最高给予5亿元。",
            "产量50万辆。",
            "<b>加粗</b>投资30亿元",
        ],
        "start": [0] * 5,
        "end": [1] * 5,
    }
)


def test_select_quantities_combines_conditions() -> None:
    chosen = select_quantities(QUANTITIES, kinds=("target",), families=("vehicles",))
    assert chosen["metric"].tolist() == ["整车年产能", "新能源汽车产量"]
    assert select_quantities(QUANTITIES, deadline_from=2025, deadline_to=2025)[
        "doc_id"
    ].tolist() == [
        "a",
        "b",
    ]
    assert select_quantities(QUANTITIES, metric_contains="配套率")["raw"].tolist() == ["80%"]


def test_target_summary_and_groupings() -> None:
    summary = target_summary(QUANTITIES)
    assert (summary.targets, summary.documents, summary.regions) == (4, 2, 2)
    assert summary.median_horizon == pytest.approx(0.5)
    by_family = targets_by(QUANTITIES, "family").set_index("family")
    assert by_family.loc["vehicles", "targets"] == 2


@pytest.mark.parametrize(
    ("values", "expected"),
    [([5e8, 2e9], (1e8, "亿")), ([2_000_000.0, 500_000.0], (1e4, "万")), ([80.0, 60.0], (1.0, ""))],
)
def test_display_scale(values: list[float], expected: tuple[float, str]) -> None:
    assert display_scale(pd.Series(values)) == expected


def test_timeline_has_one_panel_per_family_and_escapes_document_text() -> None:
    points = timeline_points(QUANTITIES)
    assert set(points["family"]) == {"vehicles", "share", "money"}
    assert points.loc[points["metric"] == "整车年产能", "shown"].item() == 200  # 万辆
    figure = target_timeline_figure(points)
    panels = {trace.yaxis for trace in figure.data}
    assert len(panels) == 3
    for trace in figure.data:  # a trace never mixes families
        families = set(points.loc[points["deadline"].isin(trace.x), "family"])
        assert trace.yaxis in panels and families
    hover = " ".join(t for trace in figure.data for t in trace.hovertext)
    assert "<script>" not in hover and "&lt;script&gt;" in hover
    assert "<b>加粗" not in hover


def test_table_exports_round_trip() -> None:
    frame = pd.DataFrame({"地区": ["湖北省 武汉市"], "词频": [3], "句子": ["含\x07控制字符"]})
    csv_bytes = export.table_csv(frame)
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(io.BytesIO(csv_bytes), encoding="utf-8-sig").iloc[0, 0] == "湖北省 武汉市"
    back = pd.read_excel(io.BytesIO(export.table_xlsx(frame)))
    assert back.iloc[0].tolist() == ["湖北省 武汉市", 3, "含控制字符"]


def test_figure_exports() -> None:
    frequencies = pd.DataFrame(
        {"term": ["换电站", "充电桩"], "count": [5, 3], "per_10k": [1.0, 0.5], "docs": [1, 1]}
    )
    figure = top_terms_figure(frequencies)
    html = export.figure_html(figure).decode("utf-8")
    assert json.dumps("换电站")[1:-1] in html  # Plotly writes the data as JSON
    assert "plotly" in html.lower()
    if export.image_export_problem() or not Path("/usr/bin/chromium").exists():
        pytest.skip(export.image_export_problem() or "no chromium")
    assert export.figure_image(figure, "png").startswith(b"\x89PNG")
    assert b"<svg" in export.figure_image(figure, "svg")[:500]


def test_metric_options_prefer_canonical_metrics_and_most_regions() -> None:
    from analysis.timelines import metric_options

    frame = QUANTITIES.assign(
        canonical_metric=["vehicle_output", "", "", "vehicle_output", ""],
    )
    options = metric_options(frame)
    first = options.iloc[0]
    assert first["metric_key"] == "vehicle_output" and first["regions"] == 2
    assert "share|%" in set(options["metric_key"])  # no canonical metric: family and unit
    points = timeline_points(frame, ("vehicle_output",))
    assert set(points["metric"]) == {"整车年产能", "新能源汽车产量"}


def test_a_metric_written_in_several_units_gets_a_panel_only_for_the_common_ones() -> None:
    from analysis.figures import main_units

    points = pd.DataFrame({"shown_unit": ["%"] * 30 + ["番"] * 2 + ["倍"] * 10})
    assert main_units(points) == ["%", "倍"]  # 番 holds under a fifth of the targets
