"""Target attainment: did the target a region set for year Y come true?

A target for year Y stated in a document of year Y (a 2025 work report's 地区生产总值增长5%左右)
is linked with the result for Y stated in a document of year Y+1 from the same region
(the 2026 report's review: 全省地区生产总值增长5.4%), for the same metric and unit. Metrics
are compared through `METRICS`, a short list of the indicators work reports set every
year; a target whose metric is not in it is not linked (no guessing across metrics).

Status: `met` when the result reaches the target (at least the stated value; at most it
for metrics where lower is better, such as CPI and unemployment — "左右" is not stretched),
`missed` otherwise, `no_result` when the later document states no result for that metric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

import pandas as pd

from analysis.filters import region_label

Direction = Literal["higher", "lower"]

ATTAINMENT_COLUMNS: Final[tuple[str, ...]] = (
    "group",
    "region",
    "year",
    "metric",
    "metric_label",
    "target_value",
    "target_high",
    "comparator",
    "unit",
    "result_value",
    "gap",
    "status",
    "target_metric",
    "result_metric",
    "target_doc",
    "result_doc",
    "target_sentence",
    "result_sentence",
)
STATUSES: Final = ("met", "missed", "no_result")
STATUS_LABELS: Final = {"met": "已实现", "missed": "未实现", "no_result": "未找到结果"}


@dataclass(frozen=True, slots=True)
class Metric:
    """An indicator set every year: how to recognise it and which way is better."""

    key: str
    label: str
    pattern: str  # regex on the extracted metric text
    units: tuple[str, ...]
    direction: Direction = "higher"
    exclude: str = r"能耗|比重|占|贡献|海洋|比率|人均|核心产业|数字经济|农业|服务业|工业"


METRICS: Final[tuple[Metric, ...]] = (
    Metric("gdp_growth", "地区生产总值增长", r"(生产总值|GDP|经济)(同比)?增长|经济增长", ("%",)),
    Metric(
        "industry_va_growth",
        "规模以上工业增加值增长",
        r"(规模以上|规上)工业增加值(同比)?增长",
        ("%",),
        exclude=r"占|比重",
    ),
    Metric(
        "fai_growth",
        "固定资产投资增长",
        r"固定资产投资(同比)?增长",
        ("%",),
        exclude=r"占|比重|工业",
    ),
    Metric(
        "retail_growth",
        "社会消费品零售总额增长",
        r"社会消费品零售总额(同比)?增长",
        ("%",),
        exclude=r"占",
    ),
    Metric(
        "budget_revenue_growth",
        "一般公共预算收入增长",
        r"一般公共预算收入(同比)?增长",
        ("%",),
        exclude=r"占|税收",
    ),
    Metric(
        "income_growth",
        "居民人均可支配收入增长",
        r"人均可支配收入(同比)?增长",
        ("%",),
        exclude=r"占",
    ),
    Metric("cpi", "居民消费价格涨幅", r"居民消费价格|CPI", ("%",), "lower", exclude=r"^$"),
    Metric("unemployment", "城镇调查失业率", r"失业率", ("%",), "lower", exclude=r"^$"),
    Metric("new_jobs", "城镇新增就业", r"城镇新增就业", ("人", "名"), exclude=r"^$"),
    Metric(
        "energy_intensity",
        "单位生产总值能耗下降",
        r"单位(地区|国内)?(生产总值|GDP)能耗(下降|降低)",
        ("%",),
        exclude=r"^$",
    ),
)


def metric_key(metric: object, unit: object) -> str | None:
    """The indicator a quantity's metric text names, or None.

    >>> metric_key("全省地区生产总值增长", "%"), metric_key("单位GDP能耗下降", "%")
    ('gdp_growth', 'energy_intensity')
    >>> metric_key("海洋生产总值增长", "%") is None
    True
    """
    if not isinstance(metric, str) or not isinstance(unit, str):
        return None
    for m in METRICS:
        if unit in m.units and re.search(m.pattern, metric) and not re.search(m.exclude, metric):
            return m.key
    return None


def _with_inherited_subject(rows: pd.DataFrame) -> pd.Series:
    """Metric texts where a bare `…增长` takes the subject of the quantity before it in the
    same sentence: 地区生产总值达到5.53万亿元、稳居全国前十强、增长4.8% is GDP growth.
    """
    if "start" not in rows or rows.empty:
        return rows["metric"]
    ordered = rows.sort_values(["doc_id", "start"])
    previous = ordered.groupby(["doc_id", "sentence"], sort=False)["metric"].shift(1)
    bare = ordered["metric"].fillna("").str.contains(r"增长$") & ~ordered["metric"].fillna(
        ""
    ).str.contains(r"生产总值|GDP|经济|增加值|投资|零售|收入")
    inherited = previous.fillna("").str.replace(r"(达到|完成|迈上|突破)$", "", regex=True) + "增长"
    return ordered["metric"].where(~(bare & previous.notna()), inherited).reindex(rows.index)


_UNITS: Final = frozenset(u for m in METRICS for u in m.units)


def _keyed(quantities: pd.DataFrame, kind: str) -> pd.DataFrame:
    rows = quantities[quantities["kind"] == kind].copy()
    metrics = _with_inherited_subject(rows)  # before the unit filter: the subject may be 元
    keep = rows["unit"].isin(_UNITS)
    rows, metrics = rows[keep], metrics[keep]
    rows["metric_key"] = [metric_key(m, u) for m, u in zip(metrics, rows["unit"], strict=True)]
    rows = rows[rows["metric_key"].notna()]
    district = rows["district"] if "district" in rows else pd.Series(None, index=rows.index)
    rows["region"] = [
        " ".join(x for x in (region_label(p, c), d if isinstance(d, str) else "") if x)
        for p, c, d in zip(rows["province"], rows["city"], district, strict=True)
    ]
    rows["year"] = pd.to_numeric(rows["year"], errors="coerce")
    rows["deadline"] = pd.to_numeric(rows["deadline"], errors="coerce")
    return rows[rows["year"].notna()]


def _status(target: float, high: float | None, result: float, direction: Direction) -> str:
    if direction == "lower":
        bound = high if high is not None and not pd.isna(high) else target
        return "met" if result <= bound + 1e-9 else "missed"
    return "met" if result >= target - 1e-9 else "missed"


def attainment(
    quantities: pd.DataFrame, members: pd.DataFrame, *, years: tuple[int, ...] | None = None
) -> pd.DataFrame:
    """One row per linked target (ATTAINMENT_COLUMNS), met / missed / no_result.

    `quantities` are the store's quantities with doc keys (doc_id, province, city, year, …);
    `members` gives each document's group. `years` limits the target years.
    A target counts when its deadline is its document's year (or the document names no
    other year); the result is the first achievement of the same metric and unit, in a
    document of the same region one year later, whose deadline is that year or unstated.
    """
    by_key = {m.key: m for m in METRICS}
    groups = dict(zip(members["doc_id"], members["group"], strict=True))
    targets = _keyed(quantities, "target")
    targets = targets[targets["doc_id"].isin(groups)]
    targets = targets[targets["deadline"].isna() | (targets["deadline"] == targets["year"])]
    if years:
        targets = targets[targets["year"].isin(years)]
    targets = targets.drop_duplicates(["region", "year", "metric_key"])
    results = _keyed(quantities, "achievement")
    results = results[results["deadline"].isna() | (results["deadline"] == results["year"] - 1)]
    first = results.drop_duplicates(["region", "year", "metric_key", "unit"]).set_index(
        ["region", "year", "metric_key", "unit"]
    )
    rows = []
    for t in targets.itertuples(index=False):
        metric = by_key[t.metric_key]
        key = (t.region, t.year + 1, t.metric_key, t.unit)
        found = first.loc[key] if key in first.index else None
        result_value = float(found["value"]) if found is not None else None
        status = (
            "no_result"
            if result_value is None
            else _status(float(t.value), t.value_high, result_value, metric.direction)
        )
        rows.append(
            {
                "group": groups[t.doc_id],
                "region": t.region,
                "year": int(t.year),
                "metric": t.metric_key,
                "metric_label": metric.label,
                "target_value": float(t.value),
                "target_high": None if pd.isna(t.value_high) else float(t.value_high),
                "comparator": t.comparator,
                "unit": t.unit,
                "result_value": result_value,
                "gap": None if result_value is None else round(result_value - float(t.value), 6),
                "status": status,
                "target_metric": t.metric,
                "result_metric": None if found is None else found["metric"],
                "target_doc": t.doc_id,
                "result_doc": None if found is None else found["doc_id"],
                "target_sentence": t.sentence,
                "result_sentence": None if found is None else found["sentence"],
            }
        )
    frame = pd.DataFrame(rows, columns=list(ATTAINMENT_COLUMNS))
    return frame.sort_values(["group", "year", "metric"], ignore_index=True)


def attainment_summary(table: pd.DataFrame) -> pd.DataFrame:
    """group, metric_label, met, missed, no_result, linked: the counts behind the chart."""
    counts = (
        table.groupby(["group", "metric_label", "status"]).size().unstack("status", fill_value=0)
    )
    counts = counts.reindex(columns=list(STATUSES), fill_value=0).reset_index()
    counts["linked"] = counts["met"] + counts["missed"]
    return counts


__all__ = [
    "ATTAINMENT_COLUMNS",
    "METRICS",
    "STATUSES",
    "STATUS_LABELS",
    "Metric",
    "attainment",
    "attainment_summary",
    "metric_key",
]
