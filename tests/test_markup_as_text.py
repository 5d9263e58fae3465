"""Markup from documents, file names, corrections and URLs is shown as text.

Each case injects Markdown (an outside image), a Streamlit colour directive, a formula,
HTML, an icon shortcode and a bare link, and checks what the page sends to the browser:
every special character escaped, nothing left for the renderer to turn into markup.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import plotly.express as px
import pytest
from streamlit.testing.v1 import AppTest

from analysis.escaping import escape_figure_text

from .conftest import ROOT

pytestmark = pytest.mark.usefixtures("app_store")  # one store per module (conftest)

INJECTIONS = [
    "![x](http://x)",
    ":red[x]",
    "$$x$$",
    "<b>x</b>",
    ":material/home:",
    "http://example.com/a",
    "www.example.com",
]
WORD_JOINER = "\u2060"


def assert_literal(markdown: str, original: str, *, own: tuple[str, ...] = ()) -> None:
    """`markdown` shows `original` as text: un-escaping it gives the original back, and no
    unescaped Markdown/HTML character, directive, icon, formula or bare link is left
    (besides the page's `own` markup around the text)."""
    for markup in own:
        markdown = markdown.replace(markup, "")
    assert (
        re.sub(r"\\(.)", r"\1", markdown)
        .replace(WORD_JOINER, "")
        .replace("  \n", "\n")
        .find(original)
        >= 0
    ), markdown
    unescaped = re.sub(r"\\.", "", markdown)
    assert not re.search(r"[\[\]()<>$!*_`]", unescaped), markdown
    assert not re.search(r":(?!\u2060)", markdown), markdown  # :red[…], :material/…:, http:
    assert not re.search(r"www\\?\.", markdown), markdown  # www. autolink


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)


@pytest.mark.parametrize("term", INJECTIONS)
def test_kwic_caption_shows_the_url_term_as_text(term: str) -> None:
    at = app()
    at.query_params["term"] = term
    at.query_params["kwtab"] = "关键词上下文"  # tabs compute only when open
    at.run()
    at.switch_page("pages/keywords.py").run()
    assert not at.exception, at.exception
    caption = next(c.value for c in at.caption if "「" in c.value)
    assert_literal(caption, term)


@pytest.mark.parametrize("text", INJECTIONS)
def test_passage_header_and_paragraph_show_markup_as_text(text: str) -> None:
    from pages._common import highlighted, passage_header

    assert_literal(passage_header(f"{text}.txt", text, 2025), f"{text}.txt", own=("**",))
    marked = highlighted(f"前文{text}", text, f"{text}后文")
    assert_literal(marked, f"前文{text}", own=(":orange-background[**", "**]"))


def test_a_correction_with_markup_is_refused_as_text_on_the_document_page() -> None:
    at = app().run()
    at.switch_page("pages/document.py").run()
    from pages._common import get_store

    doc_id = get_store().documents()["doc_id"].iloc[0]
    at.selectbox(key="doc").set_value(doc_id).run()
    at.text_input(key=f"edit-{doc_id}-year").input("![x](http://x)")
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    error = at.error[0].value
    assert "![x]" not in error and "\\!\\[x\\]" in error


def test_document_form_stores_a_full_width_year() -> None:
    at = app().run()
    at.switch_page("pages/document.py").run()
    from pages._common import get_store

    doc_id = get_store().documents()["doc_id"].iloc[1]
    at.selectbox(key="doc").set_value(doc_id).run()
    at.text_input(key=f"edit-{doc_id}-year").input("２０１９")
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    assert get_store().documents().set_index("doc_id").loc[doc_id, "year"] == 2019


def test_chart_legends_show_html_in_region_names_as_text() -> None:
    from pages._common import get_store

    store = get_store()
    doc_id = store.documents()["doc_id"].iloc[2]
    store.set_fields(doc_id, {"province": "<b>粗体省</b>", "city": ""})
    at = app().run()
    assert not at.exception, at.exception
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    names = [trace.get("name", "") for spec in specs for trace in spec["data"]]
    assert "&lt;b&gt;粗体省&lt;/b&gt;" in names, names
    assert not any("<b>粗体省" in json.dumps(spec, ensure_ascii=False) for spec in specs)


def test_escape_figure_text_escapes_data_strings_not_numbers() -> None:
    frame = pd.DataFrame({"term": ["<a href='x'>t</a>", "车"], "n": [1, 2], "g": ["<i>", "b"]})
    figure = escape_figure_text(px.bar(frame, x="term", y="n", color="g"))
    as_json = figure.to_json()
    assert "<a href" not in as_json and "<i>" not in as_json
    assert [list(t.y) for t in figure.data] == [[1], [2]]
