"""Each dashboard view as charts and tables, for the bundle, the report and `export`.

A view is built from the store and the shared filters (plus the view's own choices, e.g.
the compared metric), so the buttons on a page and the command line write the same files.
Tables carry their Chinese headers; the data behind every chart is a table of its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Final, Literal

import pandas as pd
import plotly.graph_objects as go

from analysis import figures, keywords, overview, timelines
from analysis.chart_style import ChartContext, selection_regions, with_context
from analysis.errors import PolicyLensError
from analysis.filters import Filters, apply_filters, describe_filters, with_region
from analysis.labels import localised
from analysis.store import Store

ViewName = Literal["overview", "keywords", "targets", "regions"]
VIEW_TITLES: Final[dict[str, str]] = {
    "overview": "概览",
    "keywords": "关键词",
    "targets": "目标",
    "regions": "区域比较",
}
DATA_DIR: Final = Path(__file__).parent / "data"


class ViewError(PolicyLensError, ValueError):
    """A view that cannot be built (unknown name, nothing selected)."""


@dataclass(slots=True)
class View:
    """What one page shows: named charts and named tables (Chinese headers)."""

    name: str
    title: str
    figures: dict[str, go.Figure] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Selection:
    """The documents of the filters and lazy access to their stored per-document tables."""

    store: Store
    filters: Filters
    docs: pd.DataFrame

    def counts(self) -> Store:
        """The keyword queries run in the store over the selected documents."""
        return self.store

    def quantities(self) -> pd.DataFrame:
        return self.store.quantities(self.docs["doc_id"].tolist(), documents=self.docs)

    def stopwords(self) -> set[str]:
        from analysis.segmentation import stopword_set

        return stopword_set(user=self.store.user_words("stopword"))

    def context(self) -> ChartContext:
        return chart_context(self.filters, self.docs, len(self.store.documents()))


def chart_context(filters: Filters, docs: pd.DataFrame, total: int) -> ChartContext:
    """Subtitle (the selection), source line and region order every chart of a selection
    shares, on screen and exported.
    """
    labels = [*docs["province"].dropna(), *with_region(docs)["region"]] if len(docs) else []
    return ChartContext(
        regions=selection_regions(labels),
        subtitle=describe_filters(filters, documents=len(docs)),
        source=f"数据来源：PolicyLens 文档库（共 {total:,} 篇）· 生成于 {datetime.now():%Y-%m-%d}",
    )


def select(store: Store, filters: Filters) -> Selection:
    return Selection(store, filters, apply_filters(store.documents(), filters))


# ---------------------------------------------------------------- builders


def overview_view(selection: Selection, options: Mapping[str, object]) -> View:
    view = View("overview", VIEW_TITLES["overview"])
    docs = selection.docs
    if docs.empty:
        view.notes.append("当前筛选下没有文档。")
        return view
    context = selection.context()
    by_province = overview.documents_by_province_year(docs)
    view.figures["各年份文档数"] = figures.documents_by_year_figure(by_province, context=context)
    view.figures["各省份文档数"] = figures.documents_by_province_figure(
        by_province, context=context
    )
    view.tables["各省份各年份文档数"] = localised(by_province)
    view.tables["文档列表"] = localised(docs.drop(columns=["sha256"], errors="ignore"))
    return view


def keywords_view(selection: Selection, options: Mapping[str, object]) -> View:
    view = View("keywords", VIEW_TITLES["keywords"])
    docs = selection.docs
    if docs.empty:
        view.notes.append("当前筛选下没有文档。")
        return view
    top = int(options.get("top", 30))  # type: ignore[call-overload]
    counts, stopwords, context = selection.counts(), selection.stopwords(), selection.context()
    frequencies = keywords.keyword_frequencies(counts, docs, stopwords=stopwords)
    if frequencies.empty:
        view.notes.append("当前选择的文档中没有可统计的词。")
        return view
    view.figures["高频词"] = figures.top_terms_figure(frequencies, top=top, context=context)
    view.tables["高频词"] = localised(frequencies.head(max(top, 100)))
    by = str(options.get("dby", "region"))
    groups = sorted(keywords.group_labels(docs, by).unique())  # type: ignore[arg-type]
    if len(groups) >= 2:
        group = str(options.get("dgrp") or _largest_group(docs, by))
        other = options.get("doth")
        versus = None if other in (None, "", "其余全部") else str(other)
        table = keywords.distinctive_terms(
            counts,
            docs,
            by=by,
            group=group,
            other=versus,
            stopwords=stopwords,
            top=top,  # type: ignore[arg-type]
        )
        view.figures["区分性词语"] = figures.distinctive_terms_figure(
            table, group=group, other=versus or "其余全部", context=context
        )
        view.tables["区分性词语"] = localised(table)
    terms = list(options.get("tterms") or frequencies["term"].head(5))  # type: ignore[call-overload]
    trends = keywords.term_trends(counts, docs, terms=terms)
    if not trends.empty:
        view.figures["词语趋势"] = figures.term_trends_figure(trends, context=context)
        view.tables["词语趋势"] = localised(trends)
    doc_terms = keywords.document_keywords(counts, docs, stopwords=stopwords, top=10)
    view.tables["文档关键词"] = localised(doc_terms)
    return view


def _largest_group(docs: pd.DataFrame, by: str) -> str:
    return str(keywords.group_labels(docs, by).value_counts().index[0])  # type: ignore[arg-type]


def targets_view(selection: Selection, options: Mapping[str, object]) -> View:
    view = View("targets", VIEW_TITLES["targets"])
    quantities = selection.quantities()
    if quantities.empty:
        view.notes.append("当前筛选下没有数量表述。")
        return view
    metric_table = timelines.metric_options(quantities)
    chosen = tuple(options.get("tm") or metric_table["metric_key"].head(1))  # type: ignore[call-overload]
    if len(metric_table) and chosen:
        labels = dict(zip(metric_table["metric_key"], metric_table["label"], strict=True))
        points = timelines.timeline_points(quantities, chosen)
        title = "目标：" + "、".join(labels.get(m, m) for m in chosen)
        view.figures["目标对比"] = figures.target_timeline_figure(
            points, title=title, context=selection.context()
        )
        columns = [
            "region", "year", "deadline", "metric", "value", "value_high", "unit",
            "shown", "shown_unit", "comparator", "sentence",
        ]  # fmt: skip
        view.tables["目标对比数据"] = localised(points[columns])
    view.tables["可比指标"] = localised(metric_table)
    view.tables["各地区目标数"] = localised(timelines.targets_by(quantities, "region"))
    view.tables["各类指标目标数"] = localised(timelines.targets_by(quantities, "family"))
    view.tables["全部数量表述"] = localised(
        with_region(quantities).drop(columns=["start", "end"], errors="ignore")
    )
    return view


def regions_view(selection: Selection, options: Mapping[str, object]) -> View:
    """Themes, instrument mix and target attainment of the selection's provinces, or of the
    groups chosen on the page (`cmp`, grouped by `cmp_by` at level `cmp_lv`)."""
    from analysis import profiles, regions_figures
    from analysis.attainment import attainment
    from analysis.codes import default_codebooks
    from analysis.groups import membership, restrict

    view = View("regions", VIEW_TITLES["regions"])
    docs = selection.docs
    if docs.empty:
        view.notes.append("当前筛选下没有文档。")
        return view
    level = str(options.get("cmp_lv") or "province")
    level = {"省": "province", "市": "city", "区县": "district"}.get(level, level)
    by = str(options.get("cmp_by") or "region")
    members = membership(docs, by=by, level=level)  # type: ignore[arg-type]
    chosen = [str(g) for g in options.get("cmp") or ()]  # type: ignore[union-attr]
    if chosen:
        members = restrict(members, chosen)
    store = selection.store
    themes, instruments = default_codebooks()
    profile = profiles.theme_profile(store, members, docs, themes)
    mix = profiles.instrument_mix(store, members, docs, instruments)
    view.figures["主题强度"] = regions_figures.theme_heatmap(profile)
    view.figures["政策工具结构"] = regions_figures.instrument_bars(mix)
    view.tables["主题强度"] = localised(profile)
    view.tables["政策工具结构"] = localised(mix)
    reached = attainment(profiles.quantities_for_attainment(store, members, docs), members)
    if not reached.empty:
        view.figures["目标实现"] = regions_figures.attainment_bars(reached)
        view.tables["目标实现"] = localised(reached)
    context = selection.context()
    view.figures = {name: with_context(f, context) for name, f in view.figures.items()}
    return view


BUILDERS: dict[str, Callable[[Selection, Mapping[str, object]], View]] = {
    "overview": overview_view,
    "keywords": keywords_view,
    "targets": targets_view,
    "regions": regions_view,
}


def build_view(
    store: Store, name: str, filters: Filters, options: Mapping[str, object] | None = None
) -> View:
    """The charts and tables of view `name` for `filters` (and the view's own choices)."""
    if name not in BUILDERS:
        raise ViewError(f"未知视图 {name!r}；可用：{', '.join(BUILDERS)}")
    return BUILDERS[name](select(store, filters), options or {})


# ---------------------------------------------------------------- settings


def _digest(paths: list[Path], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode("utf-8"))
    for path in sorted(paths):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def program_version() -> str:
    try:
        return metadata.version("policylens")
    except metadata.PackageNotFoundError:
        return "unknown"


def view_settings(
    store: Store, filters: Filters, views: list[str], options: Mapping[str, object]
) -> dict[str, object]:
    """What reproduces a figure: filters, the view's choices, and the versions behind it."""
    user_words = store.user_words("word") + store.user_words("stopword")
    return {
        "views": views,
        "filters": asdict(filters),
        "selection": describe_filters(filters),
        "options": {k: v for k, v in options.items() if _jsonable(v)},
        "program_version": program_version(),
        "dictionary_version": _digest(
            [DATA_DIR / "domain_dict.txt", *DATA_DIR.glob("stopwords_*.txt")],
            extra="\n".join(sorted(user_words)),
        ),
        "codebook_versions": {
            path.stem: _digest([path]) for path in sorted(DATA_DIR.glob("*.toml"))
        },
        "store_version": store.version(),
        "documents_in_store": len(store.documents()),
        "created": datetime.now().isoformat(timespec="seconds"),
    }


def _jsonable(value: object) -> bool:
    try:
        json.dumps(value)
    except TypeError:
        return False
    return True
