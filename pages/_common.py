"""What every page shares: the store, the sidebar filters, tables and charts with exports.

Pages stay thin: they read `current_filters()`, call `analysis`, and draw with
`show_table` / `show_figure`, which put the export buttons next to what they draw.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import bundle, corpus, export, views
from analysis.chart_style import ChartContext, with_context
from analysis.filters import Filters, apply_filters
from analysis.labels import COLUMN_LABELS, localised
from analysis.store import Store, StoreUnavailable
from analysis.types import DOC_TYPE_LABELS, DOC_TYPES


def _route_deep_links() -> None:
    """A link straight to a page (`/keywords?...`) as the first request after a start would run
    that file without the router: Streamlit treats a `pages/` folder as an old-style app until
    `st.navigation` has run once. Switch that off and rerun, so the router draws the page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_route_deep_links()


@st.cache_resource(
    show_spinner="正在打开文档库（首次使用或程序更新后会重新处理全部文档，大语料需要几分钟）…"
)
def _open_store() -> Store:
    """The corpus store, seeded on first run; one per server process, keeping one
    connection (each query gets its own cursor) so DuckDB's cache lasts between reruns.
    """
    return corpus.open_corpus(None, keep_open=True)


def get_store() -> Store:
    """The store, or a one-line error on the page (busy, not a store file, read-only)."""
    try:
        return _open_store()
    except StoreUnavailable as exc:
        st.error(str(exc), icon=":material/database:")
        st.stop()
        raise  # st.stop() ends the run; this line only satisfies the type checker


@contextmanager
def store_in_use() -> Iterator[None]:
    """One page run: the store's connection is kept while the page draws and let go after,
    so the command line can write between runs (a run that meets a write waits for it).
    """
    with get_store().in_use():
        yield


def forget_store() -> None:
    """Drop the open store, so the next page run opens `POLICYLENS_STORE` afresh (tests)."""
    _open_store.clear()


def store_version() -> str:
    """The pages' cache key for the store's contents: its file and its write generation (the
    generation alone repeats across stores, and a server may be pointed at another one).
    """
    store = get_store()
    return f"{store.path.resolve()}#{store.version()}"


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
    warn_unknown("prov", provinces, "省份", sidebar)
    keep_valid("prov", provinces)
    chosen = sidebar.multiselect(
        "省份", provinces, key="prov", bind="query-params", placeholder="全部省份"
    )
    in_scope = docs[docs["province"].isin(chosen)] if chosen else docs
    cities = sorted(in_scope["city"].dropna().unique())
    warn_unknown("city", cities, "城市", sidebar)
    keep_valid("city", cities)
    sidebar.multiselect("城市", cities, key="city", bind="query-params", placeholder="全部城市")
    years = pd.to_numeric(docs["year"], errors="coerce").dropna().astype(int)
    if len(years) and years.min() < years.max():
        low, high = int(years.min()), int(years.max())
        clamp_range("years", low, high)
        sidebar.slider("年份", low, high, (low, high), key="years", bind="query-params")
    warn_unknown("type", list(DOC_TYPES), "文档类型", sidebar)
    sidebar.multiselect(
        "文档类型",
        list(DOC_TYPES),
        key="type",
        bind="query-params",
        format_func=DOC_TYPE_LABELS.get,
        placeholder="全部类型",
    )
    with sidebar.expander("分享与导出", icon=":material/share:"):
        st.code(current_link(), language=None, wrap_lines=True)
        st.caption("复制上面的链接（右上角按钮）：在任何浏览器中打开都是同一视图。")
        built_on_request(
            "report",
            "生成报告（HTML）",
            build_report,
            "PolicyLens_报告.html",
            "text/html",
            signature=(),
            note="一个离线可读的 HTML 文件：当前筛选下各页的主要图表和表格。",
        )
        st.select_slider(
            "PNG 倍率",
            [1, 2, 3, 4],
            value=2,
            key="png_scale",
            bind="query-params",
            help="导出 PNG 的像素倍率：2 适合屏幕与文档，3–4 适合印刷。",
        )
    sidebar.caption(f"文档库：`{get_store().path}`")


def build_report(progress: bundle.Progress) -> bytes:
    store, filters = get_store(), current_filters()
    names = list(views.BUILDERS)
    built = []
    for done, name in enumerate(names, start=1):
        built.append(views.build_view(store, name, filters))
        progress(done, len(names), views.VIEW_TITLES[name])
    return bundle.report_html(built, views.view_settings(store, filters, names, {}))


def current_link() -> str:
    """The address of this view, every choice included (bound widgets live in the URL)."""
    from urllib.parse import urlencode

    base = st.context.url or ""
    params = [(k, v) for k in st.query_params for v in st.query_params.get_all(k)]
    return f"{base}?{urlencode(params)}" if params else base


def url_values_unknown(key: str, options: list) -> list[str]:
    """Values a link asks for under `key` that the view cannot show (Streamlit drops them
    silently); the caller tells the user which.
    """
    allowed = {str(o) for o in options}
    return [v for v in st.query_params.get_all(key) if v and v not in allowed]


def warn_unknown(key: str, options: list, what: str, where=None) -> None:
    """A visible notice for link values that do not exist in the current corpus or selection."""
    bad = url_values_unknown(key, options)
    if bad:
        (where or st).warning(
            f"链接中的{what}「{'、'.join(bad)}」在当前文档库或筛选中不存在，已忽略。",
            icon=":material/link_off:",
        )


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

    The downloads carry the same Chinese headers as the table on screen. `on_select(key)`
    runs when a row is selected, before the rerun (e.g. to open a term). `export_frame` is
    what the downloads hold when the table shows only part of it; the files are built when
    a button is clicked, never on every rerun.
    """
    headers = table_headers(frame, column_config)
    config: dict = {c: st.column_config.Column(label) for c, label in headers.items()}
    config.update(column_config or {})
    event = st.dataframe(
        blank_missing_text(frame),
        hide_index=True,
        width="stretch",
        column_config=config,
        height=height or "auto",
        key=key,
        on_select=_selection_mode(key, selectable, on_select),
        selection_mode="single-row",
    )
    slug = _slug(name)
    full = frame if export_frame is None else export_frame
    with st.container(horizontal=True, gap="small"):
        _download("CSV", lambda: export.table_csv(localised(full, headers)), slug, "text/csv")
        _download(
            "XLSX", lambda: export.table_xlsx(localised(full, headers), sheet=name), slug, XLSX_MIME
        )
    return event


def blank_missing_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing text shows as an empty cell, not as the word None."""
    text = export.text_columns(frame)
    return frame.assign(**{c: frame[c].fillna("") for c in text}) if text else frame


def table_headers(frame: pd.DataFrame, column_config: dict | None) -> dict[str, str]:
    """The header of each column as on screen: the page's own label, else the shared one."""
    headers = {c: COLUMN_LABELS[c] for c in frame.columns if c in COLUMN_LABELS}
    for column, spec in (column_config or {}).items():
        label = spec if isinstance(spec, str) else (spec or {}).get("label")
        if label:
            headers[column] = label
    return headers


def _selection_mode(
    key: str | None, selectable: bool, on_select: Callable[[str], None] | None
) -> str | Callable[[], None]:
    if on_select is not None and key is not None:
        return lambda: on_select(key)
    return "rerun" if selectable else "ignore"


def chart_context() -> ChartContext:
    """Subtitle (the sidebar selection) and source line every chart carries, also exported."""
    return views.chart_context(current_filters(), selected_documents(), len(all_documents()))


def show_figure(
    figure: go.Figure, name: str, *, on_select: Callable[[str], None] | None = None
) -> None:
    """A chart with HTML, PNG and SVG downloads; says what is missing when images can't be made.

    The chart is drawn with its own template (not Streamlit's theme), so what is on screen
    is what the exported files show. `on_select(key)` runs when the user clicks a point or bar.
    """
    key = f"chart-{_slug(name)}"
    if not figure.layout.title.subtitle.text:  # every chart names its selection and source
        figure = with_context(figure, chart_context())
    st.plotly_chart(
        figure,
        width="stretch",
        theme=None,
        key=key,
        on_select=_selection_mode(key, False, on_select),
        selection_mode="points",
        config={"displaylogo": False},
    )
    slug = _slug(name)
    scale = float(st.session_state.get("png_scale", 2))
    problem = export.image_export_problem()
    with st.container(horizontal=True, gap="small"):
        _download("HTML", lambda: export.figure_html(figure), slug, "text/html")
        if problem:
            st.caption(problem)
            return
        _download("PNG", lambda: export.figure_image(figure, "png", scale=scale), slug, "image/png")
        _download("SVG", lambda: export.figure_image(figure, "svg"), slug, "image/svg+xml")


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(label: str, data: object, slug: str, mime: str) -> None:
    """One export button; `data` may be a callable so the file is only built when clicked."""
    st.download_button(
        label,
        data,
        f"{slug}.{label.lower()}",
        mime,
        key=f"{slug}-{label.lower()}",
        icon=":material/download:",
        width="content",
        on_click="ignore",
    )


def no_documents_hint() -> None:
    st.info(
        "当前筛选条件下没有文档。请在左侧放宽省份、年份或类型的筛选，或到「导入文档」页添加文件。"
    )


# A resource, not data: the frame is shared, not pickled into the cache and unpickled on
# every hit (400,000 rows with their sentences at 10× the corpus: about a second each way).
# The Targets page only reads it; every filter makes a new frame.
@st.cache_resource(show_spinner=False, max_entries=3)
def _quantities(version: str, doc_ids: tuple[str, ...]) -> pd.DataFrame:
    return get_store().quantities(doc_ids, documents=_documents(version))


def selected_quantities() -> pd.DataFrame:
    """Quantities of the documents in the current selection, filtered in the store (computed
    once per store version and selection).
    """
    return _quantities(store_version(), tuple(selected_documents()["doc_id"]))


# An invisible word joiner after `:` and `@` and before `.`: Streamlit finds `:red[…]`,
# `:material/…:` icons and emoji shortcodes, and Markdown finds bare links (`http://`,
# `www.`, e-mail addresses), in the text *after* backslash escapes are undone.
_WORD_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """Document text inside st.markdown, shown as text: every Markdown/HTML character
    escaped, and no directive, icon, emoji or bare link left for the renderer to find."""
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|~<>$:=&@\"'^])", r"\\\1", text)
    escaped = escaped.replace(":", ":" + _WORD_JOINER).replace("@", "@" + _WORD_JOINER)
    return escaped.replace("\\.", _WORD_JOINER + "\\.").replace("\n", "  \n")


def passage_header(source: object, region: object, year: object) -> str:
    """Markdown naming a passage's document: the file name bold, every value escaped."""
    return " · ".join(
        [
            f"**{escape_markdown(str(source))}**",
            escape_markdown(str(region)),
            escape_markdown(str(year)),
        ]
    )


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


def view_options(keys: tuple[str, ...]) -> dict[str, object]:
    """The page's own choices (widget values) that a bundle or report reproduces."""
    return {k: st.session_state[k] for k in keys if st.session_state.get(k) not in (None, "", [])}


def show_view_exports(name: str, options: dict[str, object]) -> None:
    """One ZIP with every chart (PNG, SVG, HTML), every table (CSV, one XLSX) and settings.json."""
    st.divider()

    def build(progress: bundle.Progress) -> bytes:
        store, filters = get_store(), current_filters()
        view = views.build_view(store, name, filters, options)
        settings = views.view_settings(store, filters, [name], options)
        return bundle.bundle_zip([view], settings, progress=progress)

    built_on_request(
        f"bundle-{name}",
        "生成本页导出包（ZIP）",
        build,
        f"{views.VIEW_TITLES[name]}_导出.zip",
        "application/zip",
        signature=(name, tuple(sorted((k, str(v)) for k, v in options.items()))),
        note="包含每个图表（PNG、SVG、HTML）、图表与表格背后的数据（CSV、XLSX）和 settings.json。",
    )


def built_on_request(
    key: str,
    label: str,
    build: Callable[[bundle.Progress], bytes],
    file_name: str,
    mime: str,
    *,
    signature: tuple,
    note: str,
    where=None,
) -> None:
    """A file too slow to build on every rerun: a button builds it with a progress bar, then
    a download button offers it until the selection (or `signature`) changes.
    """
    where = where or st
    stamp = (store_version(), current_filters(), signature)
    if where.button(label, key=f"{key}-make", icon=":material/build:"):
        bar = where.progress(0.0, text="正在生成…")

        def progress(done: int, total: int, item: str) -> None:
            bar.progress(done / max(total, 1), text=f"{item}（{done}/{total}）")

        st.session_state[key] = (stamp, build(progress))
        bar.empty()
    made = st.session_state.get(key)
    if made and made[0] == stamp:
        where.download_button(
            "下载",
            made[1],
            file_name,
            mime,
            key=f"{key}-download",
            icon=":material/download:",
            on_click="ignore",
        )
    where.caption(note)
