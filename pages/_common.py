"""What every page shares: the store, the sidebar filters, tables and charts with exports.

Pages stay thin: they read `current_filters()`, call `analysis`, and draw with
`show_table` / `show_figure`, which put the export buttons next to what they draw.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import corpus, export
from analysis.filters import Filters, apply_filters
from analysis.store import Store
from analysis.types import DOC_TYPE_LABELS, DOC_TYPES

# Column headers shown to users; the data keeps its English names for CSV and the CLI.
COLUMN_LABELS: dict[str, str] = {
    "doc_id": "编号",
    "source": "文件",
    "title": "标题",
    "province": "省",
    "city": "市",
    "district": "区县",
    "year": "年份",
    "date": "日期",
    "doc_type": "类型",
    "chars": "字数",
    "raw_chars": "原始字数",
    "sha256": "SHA-256",
}


@st.cache_resource(
    show_spinner="正在打开文档库（首次使用或程序更新后会重新处理全部文档，大语料需要几分钟）…"
)
def get_store() -> Store:
    """The corpus store, seeded on first run; one per server process, keeping one
    connection (each query gets its own cursor) so DuckDB's cache lasts between reruns.
    """
    return corpus.open_corpus(None, keep_open=True)


def store_version() -> str:
    return get_store().version()


@st.cache_data(show_spinner=False)
def _documents(version: str) -> pd.DataFrame:
    return get_store().documents()


def all_documents() -> pd.DataFrame:
    return _documents(store_version())


def render_sidebar_filters() -> None:
    """Region, year range and type, each bound to the URL so a link reproduces the view."""
    docs = all_documents()
    sidebar = st.sidebar
    sidebar.header("筛选")
    provinces = sorted(docs["province"].dropna().unique())
    keep_valid("prov", provinces)
    chosen = sidebar.multiselect(
        "省份", provinces, key="prov", bind="query-params", placeholder="全部省份"
    )
    in_scope = docs[docs["province"].isin(chosen)] if chosen else docs
    cities = sorted(in_scope["city"].dropna().unique())
    keep_valid("city", cities)
    sidebar.multiselect("城市", cities, key="city", bind="query-params", placeholder="全部城市")
    years = pd.to_numeric(docs["year"], errors="coerce").dropna().astype(int)
    if len(years) and years.min() < years.max():
        low, high = int(years.min()), int(years.max())
        clamp_range("years", low, high)
        sidebar.slider("年份", low, high, (low, high), key="years", bind="query-params")
    sidebar.multiselect(
        "文档类型",
        list(DOC_TYPES),
        key="type",
        bind="query-params",
        format_func=DOC_TYPE_LABELS.get,
        placeholder="全部类型",
    )
    sidebar.caption(f"文档库：`{get_store().path}`")


def keep_valid(key: str, options: list) -> None:
    """Drop selections the options no longer offer (a city of an unselected province), so a
    narrower filter never leaves a widget holding a value it cannot show.
    """
    if key not in st.session_state:
        return
    value = st.session_state[key]
    if isinstance(value, list):
        st.session_state[key] = [v for v in value if v in options]
    elif value not in options:
        del st.session_state[key]


def clamp_range(key: str, low: int, high: int) -> None:
    if key in st.session_state:
        a, b = st.session_state[key]
        st.session_state[key] = (max(low, min(a, high)), min(high, max(b, low)))


def current_filters() -> Filters:
    """The sidebar selection; a year slider left at the full range keeps undated documents."""
    state = st.session_state
    years = state.get("years")
    known = pd.to_numeric(all_documents()["year"], errors="coerce").dropna()
    if years and len(known) and tuple(years) == (int(known.min()), int(known.max())):
        years = None
    return Filters(
        provinces=tuple(state.get("prov") or ()),
        cities=tuple(state.get("city") or ()),
        year_from=years[0] if years else None,
        year_to=years[1] if years else None,
        doc_types=tuple(state.get("type") or ()),
    )


def selected_documents() -> pd.DataFrame:
    return apply_filters(all_documents(), current_filters())


def _slug(name: str) -> str:
    return re.sub(r"[^\w\-]+", "_", name).strip("_") or "export"


def show_table(
    frame: pd.DataFrame,
    name: str,
    *,
    column_config: dict | None = None,
    height: int | None = None,
    key: str | None = None,
    selectable: bool = False,
    on_select: Callable[[str], None] | None = None,
    export_frame: pd.DataFrame | None = None,
) -> object:
    """A table with CSV and XLSX downloads beside it; returns the selection event if asked.

    `on_select(key)` runs when a row is selected, before the rerun (e.g. to open a term).
    `export_frame` is what the downloads hold when the table shows only part of it; the
    files are built when a button is clicked, never on every rerun.
    """
    labels = {c: COLUMN_LABELS[c] for c in frame.columns if c in COLUMN_LABELS}
    config = {c: st.column_config.Column(label) for c, label in labels.items()}
    config.update(column_config or {})
    event = st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config=config,
        height=height or "auto",
        key=key,
        on_select=_selection_mode(key, selectable, on_select),
        selection_mode="single-row",
    )
    slug = _slug(name)
    left, right, _ = st.columns([1, 1, 6])
    full = frame if export_frame is None else export_frame
    _download(left, "CSV", lambda: export.table_csv(full), slug, "text/csv")
    _download(right, "XLSX", lambda: export.table_xlsx(full), slug, XLSX_MIME)
    return event


def _selection_mode(
    key: str | None, selectable: bool, on_select: Callable[[str], None] | None
) -> str | Callable[[], None]:
    if on_select is not None and key is not None:
        return lambda: on_select(key)
    return "rerun" if selectable else "ignore"


def show_figure(
    figure: go.Figure, name: str, *, on_select: Callable[[str], None] | None = None
) -> None:
    """A chart with HTML, PNG and SVG downloads; says what is missing when images can't be made.

    `on_select(key)` runs when the user clicks a point or bar.
    """
    key = f"chart-{_slug(name)}"
    st.plotly_chart(
        figure,
        width="stretch",
        key=key,
        on_select=_selection_mode(key, False, on_select),
        selection_mode="points",
    )
    slug = _slug(name)
    cols = st.columns([1, 1, 1, 5])
    _download(cols[0], "HTML", lambda: export.figure_html(figure), slug, "text/html")
    problem = export.image_export_problem()
    if problem:
        cols[3].caption(problem)
        return
    _download(cols[1], "PNG", lambda: export.figure_image(figure, "png"), slug, "image/png")
    _download(cols[2], "SVG", lambda: export.figure_image(figure, "svg"), slug, "image/svg+xml")


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(column, label: str, data: object, slug: str, mime: str) -> None:
    """One export button; `data` may be a callable so the file is only built when clicked."""
    column.download_button(
        label,
        data,
        f"{slug}.{label.lower()}",
        mime,
        key=f"{slug}-{label.lower()}",
        icon=":material/download:",
    )


def no_documents_hint() -> None:
    st.info(
        "当前筛选条件下没有文档。请在左侧放宽省份、年份或类型的筛选，或到「导入文档」页添加文件。"
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _quantities(version: str, doc_ids: tuple[str, ...]) -> pd.DataFrame:
    return get_store().quantities(doc_ids, documents=_documents(version))


def selected_quantities() -> pd.DataFrame:
    """Quantities of the documents in the current selection, filtered in the store (computed
    once per store version and selection).
    """
    return _quantities(store_version(), tuple(selected_documents()["doc_id"]))


def escape_markdown(text: str) -> str:
    """Document text inside st.markdown: every Markdown/HTML character escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~<>$:=&])", r"\\\1", text).replace("\n", "  \n")


def highlighted(before: str, span: str, after: str) -> str:
    """Markdown for a passage with `span` marked, all document text escaped."""
    marked = f":orange-background[**{escape_markdown(span)}**]"
    return f"{escape_markdown(before)}{marked}{escape_markdown(after)}"


def _keyword_functions() -> dict[str, Callable[..., pd.DataFrame]]:
    from analysis import keywords

    return {
        "frequencies": keywords.keyword_frequencies,
        "distinctive": keywords.distinctive_terms,
        "doc_keywords": keywords.document_keywords,
        "kwic": lambda store, docs, stopwords, term, width: keywords.stored_keyword_in_context(
            store, docs, term, width=width
        ),
        "trends": lambda counts, docs, stopwords, terms, **o: keywords.term_trends(
            counts, docs, terms=list(terms), **o
        ),
    }


@st.cache_data(show_spinner="正在统计…", max_entries=64)
def _keyword_table(
    name: str, version: str, doc_ids: tuple[str, ...], flags: tuple[bool, bool], options: tuple
) -> pd.DataFrame:
    from analysis.segmentation import stopword_set

    docs = _documents(version)
    docs = docs[docs["doc_id"].isin(doc_ids)]
    stopwords = stopword_set(
        general=flags[0], officialese=flags[1], user=get_store().user_words("stopword")
    )
    return _keyword_functions()[name](get_store(), docs, stopwords=stopwords, **dict(options))


def keyword_table(name: str, docs: pd.DataFrame, **options: object) -> pd.DataFrame:
    """A keywords analysis of `docs` under the current stopword switches: a query in the
    store (analysis.queries) returning only the rows shown, cached per selection as a
    second layer.
    """
    state = st.session_state
    flags = (bool(state.get("sw_g", True)), bool(state.get("sw_o", True)))
    hashable = tuple(
        sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items())
    )
    return _keyword_table(name, store_version(), tuple(docs["doc_id"]), flags, hashable)
