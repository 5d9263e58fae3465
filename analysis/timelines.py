"""Aggregations over extracted quantities: what the Targets page and the CLI summarise.

Input is `targets.corpus_quantities` output (document columns + TARGET_COLUMNS).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from analysis.filters import with_region

FAMILY_LABELS: Final[dict[str, str]] = {
    "vehicles": "车辆",
    "money": "金额",
    "share": "占比/比率",
    "growth_rate": "增速",
    "infrastructure": "基础设施",
    "count": "数量",
    "organisations": "企业/机构",
    "people": "人数",
    "length": "里程",
    "mass": "重量",
    "time": "时间",
    "area": "面积",
    "energy": "能源",
    "equipment": "设备",
    "transport": "运输周转量",
    "volume": "体积",
    "concentration": "浓度",
    "scale": "规模",
}
KIND_LABELS: Final[dict[str, str]] = {
    "target": "目标",
    "achievement": "已实现",
    "instrument": "政策工具",
    "forecast": "预测",
    "penalty": "处罚",
    "other": "其他",
}


@dataclass(frozen=True, slots=True)
class TargetSummary:
    targets: int
    documents: int
    regions: int
    median_horizon: float | None


def select_quantities(
    quantities: pd.DataFrame,
    *,
    kinds: tuple[str, ...] = (),
    families: tuple[str, ...] = (),
    deadline_from: int | None = None,
    deadline_to: int | None = None,
    metric_contains: str = "",
) -> pd.DataFrame:
    """Rows matching every given condition; empty conditions select everything.

    A deadline bound drops rows without a deadline (they have no place on a timeline).
    """
    mask = pd.Series(True, index=quantities.index)
    if kinds:
        mask &= quantities["kind"].isin(kinds)
    if families:
        mask &= quantities["family"].isin(families)
    deadlines = pd.to_numeric(quantities["deadline"], errors="coerce")
    if deadline_from is not None:
        mask &= deadlines >= deadline_from
    if deadline_to is not None:
        mask &= deadlines <= deadline_to
    if metric_contains.strip():
        needle = metric_contains.strip()
        mask &= quantities["metric"].fillna("").str.contains(needle, regex=False) | quantities[
            "sentence"
        ].fillna("").str.contains(needle, regex=False)
    return quantities[mask.fillna(False).astype(bool)]


# What counting and keying targets reads: a row filter over these few columns copies far
# less than one over the whole quantities table (its sentences and raw text).
_KEY_COLUMNS: Final = (
    "doc_id",
    "province",
    "city",
    "kind",
    "horizon",
    "deadline",
    "family",
    "unit",
    "canonical_metric",
)


def _targets(quantities: pd.DataFrame, *extra: str) -> pd.DataFrame:
    """The `target` rows of `quantities`, with the key columns (and `extra`) only."""
    wanted = [c for c in dict.fromkeys((*_KEY_COLUMNS, *extra)) if c in quantities.columns]
    light = quantities[wanted]
    return light[light["kind"] == "target"]


def target_summary(quantities: pd.DataFrame) -> TargetSummary:
    """Headline figures over the `target` rows of `quantities`."""
    targets = _targets(quantities)
    horizons = pd.to_numeric(targets["horizon"], errors="coerce").dropna()
    regions = with_region(targets)["region"].nunique() if len(targets) else 0
    return TargetSummary(
        targets=len(targets),
        documents=targets["doc_id"].nunique(),
        regions=regions,
        median_horizon=float(horizons.median()) if len(horizons) else None,
    )


def targets_by(quantities: pd.DataFrame, column: str) -> pd.DataFrame:
    """Targets per region or per family: group, targets, documents, median_horizon."""
    targets = with_region(_targets(quantities, column))
    if targets.empty:
        return pd.DataFrame(columns=[column, "targets", "documents", "median_horizon"])
    targets = targets.assign(horizon=pd.to_numeric(targets["horizon"], errors="coerce"))
    table = targets.groupby(column, as_index=False).agg(
        targets=("kind", "size"),
        documents=("doc_id", "nunique"),
        median_horizon=("horizon", "median"),
    )
    return table.sort_values("targets", ascending=False).reset_index(drop=True)


# Chinese readers count large amounts in 万 and 亿; a panel uses the largest that fits.
DISPLAY_SCALES: Final = ((1e8, "亿"), (1e4, "万"))


def display_scale(values: pd.Series) -> tuple[float, str]:
    """Divisor and prefix for a panel, from its median value (`(1e8, "亿")` for money)."""
    median = float(values.abs().median()) if len(values) else 0.0
    return next(((d, p) for d, p in DISPLAY_SCALES if median >= d), (1.0, ""))


def _metric_keys(targets: pd.DataFrame) -> pd.Series:
    """What makes two targets comparable: the canonical metric where one is known, else the
    family and unit (all 万辆 vehicle counts, all growth rates in %).
    """
    fallback = targets["family"].fillna("") + "|" + targets["unit"].fillna("")
    if "canonical_metric" in targets.columns:
        canonical = targets["canonical_metric"].astype("object")
        known = canonical.notna() & (canonical.astype(str) != "")
        return canonical.where(known, fallback).astype(str)
    return fallback


def metric_key_label(key: str) -> str:
    """`vehicles|辆` -> `车辆（辆）`; `gdp_growth` -> `GDP 增速` (the catalogue's label)."""
    family, sep, unit = key.partition("|")
    if not sep:  # a canonical metric id: its catalogue label
        from analysis.metrics import metric_labels

        return metric_labels().get(key, key)
    return (
        f"{FAMILY_LABELS.get(family, family)}（{unit}）"
        if unit
        else FAMILY_LABELS.get(family, family)
    )


def _dated_targets(quantities: pd.DataFrame) -> pd.DataFrame:
    """Targets with a deadline, key columns only, with `region` and `metric_key`."""
    targets = _targets(quantities)
    targets = targets[pd.to_numeric(targets["deadline"], errors="coerce").notna()]
    return with_region(targets).assign(metric_key=lambda t: _metric_keys(t))


def metric_options(quantities: pd.DataFrame) -> pd.DataFrame:
    """metric_key, label, targets, regions: the comparable metrics that have dated targets;
    tracked indicators of the metric catalogue first, then those set by the most regions
    (the first row is what the chart opens on).
    """
    targets = _dated_targets(quantities)
    if targets.empty:
        return pd.DataFrame(columns=["metric_key", "label", "targets", "regions"])
    table = targets.groupby("metric_key", as_index=False).agg(
        targets=("kind", "size"), regions=("region", "nunique")
    )
    table = table.assign(
        label=table["metric_key"].map(metric_key_label),
        # a tracked indicator (GDP growth, NEV output) reads better than "counts in 个"
        tracked=~table["metric_key"].str.contains("|", regex=False),
    )
    ordered = table.sort_values(
        ["tracked", "regions", "targets", "metric_key"], ascending=[False, False, False, True]
    )
    return ordered[["metric_key", "label", "targets", "regions"]].reset_index(drop=True)


def timeline_points(quantities: pd.DataFrame, metric_keys: tuple[str, ...] = ()) -> pd.DataFrame:
    """Targets with a deadline, ready to plot: region, comparable-metric key and each value
    in its unit's display scale (`shown`, `shown_unit`: 2,000,000 辆 -> 200 万辆).

    `metric_keys` (from `metric_options`) keeps only those metrics; empty keeps all.
    """
    keyed = _dated_targets(quantities)
    if metric_keys:
        keyed = keyed[keyed["metric_key"].isin(metric_keys)]
    # Whole rows only for the points drawn (hover texts read metric, raw, sentence).
    points = quantities.loc[keyed.index].assign(
        region=keyed["region"], metric_key=keyed["metric_key"]
    )
    points = points.assign(
        deadline=points["deadline"].astype(int),
        family_label=points["family"].map(lambda f: FAMILY_LABELS.get(f, f)),
        horizon=pd.to_numeric(points["horizon"], errors="coerce").fillna(0).clip(lower=0),
    ).reset_index(drop=True)
    scales = {unit: display_scale(group["value"]) for unit, group in points.groupby("unit")}
    divisor = points["unit"].map(lambda u: scales[u][0]).astype(float)
    prefix = points["unit"].map(lambda u: scales[u][1]).astype(object)
    return points.assign(
        shown=(points["value"] / divisor).astype(float),
        shown_unit=(prefix + points["unit"].map(str)).astype(object),
    )
