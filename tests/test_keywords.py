"""Keyword analyses: frequencies, log-odds, trends, KWIC, TF-IDF, word cloud; on the seeds."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analysis import keywords
from analysis.keywords import (
    FontNotFoundError,
    KeywordError,
    distinctive_terms,
    document_keywords,
    keyword_frequencies,
    keyword_in_context,
    log_odds_z,
    region_labels,
    term_trends,
    wordcloud_image,
)
from analysis.segmentation import (
    Segmenter,
    corpus_token_counts,
    is_content_term,
    stopword_set,
)

try:
    from analysis.cleaning import clean_text
except ImportError:  # the cleaner is written separately; seed tests need it
    clean_text = None

needs_cleaner = pytest.mark.skipif(clean_text is None, reason="analysis.cleaning not available")
SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
# Seed metadata as documented in shared/seeds/README.md.
SEED_META = {
    "000": ("陕西省", "西安市", 2018, "meeting_news"),
    "001": ("安徽省", "合肥市", 2025, "speech"),
    "002": ("湖北省", "武汉市", 2023, "meeting_news"),
    "003": ("广东省", "广州市", 2023, "speech"),
}
STOP = stopword_set()


def seed_raw(prefix: str) -> str:
    return next(SEEDS_DIR.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def make_docs(*rows: tuple[str, str, str, int, str, int]) -> pd.DataFrame:
    """Docs table from (doc_id, province, city, year, doc_type, chars)."""
    columns = ["doc_id", "province", "city", "year", "doc_type", "chars"]
    docs = pd.DataFrame(rows, columns=columns)
    return docs.assign(source=docs["doc_id"] + ".txt", title="", district="", date="")


def make_counts(*rows: tuple[str, str, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "term", "count"])


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def segmenter() -> Segmenter:
    return Segmenter()


@pytest.fixture(scope="session")
def seed_corpus() -> pd.DataFrame:
    if clean_text is None:
        pytest.skip("analysis.cleaning not available")
    rows = []
    for prefix, (province, city, year, doc_type) in SEED_META.items():
        path = next(SEEDS_DIR.glob(f"{prefix}_*.txt"))
        text = clean_text(path.read_text(encoding="utf-8")).text
        rows.append(
            {
                "doc_id": prefix,
                "source": path.name,
                "title": "",
                "province": province,
                "city": city,
                "district": "",
                "year": year,
                "date": "",
                "doc_type": doc_type,
                "chars": len(text),
                "text": text,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def seed_counts(seed_corpus: pd.DataFrame, segmenter: Segmenter) -> pd.DataFrame:
    return corpus_token_counts(seed_corpus, segmenter)


@pytest.fixture(scope="session")
def seed_docs(seed_corpus: pd.DataFrame) -> pd.DataFrame:
    return seed_corpus.drop(columns="text")


# --------------------------------------------------------------------------- log-odds


def test_log_odds_against_hand_computed_example() -> None:
    """Two regions, two terms, prior = background counts (prior_scale=1).

    A: 车谷 3, 换电站 1 (n_A = 4);  B: 车谷 1, 换电站 3 (n_B = 4)
    alpha = background = (4, 4), alpha0 = 8
    车谷: delta = ln((3+4)/(4+8-3-4)) - ln((1+4)/(4+8-1-4)) = ln(7/5) - ln(5/7) = 0.672944
          var = 1/(3+4) + 1/(1+4) = 0.342857, z = 0.672944 / sqrt(0.342857) = 1.149271
    换电站: the mirror image, z = -1.149271
    """
    expected = (math.log(7 / 5) - math.log(5 / 7)) / math.sqrt(1 / 7 + 1 / 5)
    assert expected == pytest.approx(1.149271, abs=1e-6)

    docs = make_docs(
        ("a", "甲省", "A市", 2023, "speech", 100), ("b", "乙省", "B市", 2023, "speech", 100)
    )
    counts = make_counts(("a", "车谷", 3), ("a", "换电站", 1), ("b", "车谷", 1), ("b", "换电站", 3))
    result = distinctive_terms(counts, docs, by="region", group="甲省 A市", stopwords=set())
    z = dict(zip(result["term"], result["z"], strict=True))
    assert z["车谷"] == pytest.approx(expected, abs=1e-9)
    assert z["换电站"] == pytest.approx(-expected, abs=1e-9)
    assert result.iloc[0][["term", "count", "count_other"]].tolist() == ["车谷", 3, 1]


def test_log_odds_z_direct_formula_with_smaller_prior() -> None:
    """prior_scale=0.5: alpha = (2, 2), alpha0 = 4;
    车谷 z = (ln(5/3) - ln(3/5)) / sqrt(1/5 + 1/3)."""
    import numpy as np

    z = log_odds_z(np.array([3.0, 1.0]), np.array([1.0, 3.0]), np.array([2.0, 2.0]))
    expected = (math.log(5 / 3) - math.log(3 / 5)) / math.sqrt(1 / 5 + 1 / 3)
    assert z[0] == pytest.approx(expected) and z[1] == pytest.approx(-expected)


def test_distinctive_two_groups_each_get_rows() -> None:
    docs = make_docs(
        ("a", "甲省", "", 2023, "speech", 100),
        ("b", "乙省", "", 2024, "speech", 100),
        ("c", "丙省", "", 2025, "speech", 100),
    )
    counts = make_counts(("a", "车谷", 5), ("b", "换电站", 5), ("c", "整车", 5))
    result = distinctive_terms(counts, docs, by="year", group="2023", other="2024", stopwords=set())
    assert set(result["group"]) == {"2023", "2024"}
    assert "整车" not in set(result["term"])  # 2025 is in neither group
    top = result.groupby("group")["term"].first().to_dict()
    assert top == {"2023": "车谷", "2024": "换电站"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"by": "city"}, "by="),
        ({"by": "region", "group": "火星"}, "group="),
        ({"by": "region", "other": "甲省"}, "other"),
        ({"by": "region", "prior_scale": 0}, "prior_scale"),
    ],
)
def test_distinctive_refuses_bad_options(options: dict, message: str) -> None:
    docs = make_docs(("a", "甲省", "", 2023, "speech", 100), ("b", "乙省", "", 2023, "speech", 100))
    counts = make_counts(("a", "车谷", 1), ("b", "换电站", 1))
    with pytest.raises(KeywordError, match=message):
        distinctive_terms(counts, docs, stopwords=set(), **options)


# --------------------------------------------------------------------------- frequencies


def test_keyword_frequencies_by_region() -> None:
    docs = make_docs(
        ("a", "湖北省", "武汉市", 2023, "speech", 2000),
        ("b", "湖北省", "武汉市", 2024, "speech", 3000),
        ("c", "上海市", "上海市", 2024, "speech", 1000),
    )
    counts = make_counts(
        ("a", "车谷", 4), ("b", "车谷", 6), ("b", "的", 50), ("c", "车谷", 1), ("c", "2024", 3)
    )
    table = keyword_frequencies(counts, docs, stopwords=STOP, by="region")
    assert list(table.columns) == ["group", "term", "count", "per_10k", "docs"]
    rows = table.set_index("group").loc[:, ["term", "count", "per_10k", "docs"]]
    assert rows.loc["湖北省 武汉市"].tolist() == ["车谷", 10, 20.0, 2]  # 10 / 5000 chars
    assert rows.loc["上海市"].tolist() == ["车谷", 1, 10.0, 1]


@pytest.mark.parametrize(
    ("by", "groups"), [(None, {""}), ("year", {"2023", "2024"}), ("doc", {"a", "b"})]
)
def test_keyword_frequencies_groupings(by: str | None, groups: set[str]) -> None:
    docs = make_docs(("a", "甲省", "", 2023, "speech", 100), ("b", "乙省", "", 2024, "speech", 100))
    counts = make_counts(("a", "车谷", 2), ("a", "整车", 1), ("b", "车谷", 1))
    table = keyword_frequencies(counts, docs, stopwords=set(), by=by, top=1)
    assert set(table["group"]) == groups
    assert table.groupby("group").size().max() == 1


def test_keyword_frequencies_only_count_selected_docs() -> None:
    docs = make_docs(("a", "甲省", "", 2023, "speech", 100))
    counts = make_counts(("a", "车谷", 2), ("z", "车谷", 99))
    assert keyword_frequencies(counts, docs, stopwords=set())["count"].tolist() == [2]


def test_region_labels() -> None:
    docs = make_docs(
        ("a", "湖北省", "武汉市", 2023, "speech", 1),
        ("b", "上海市", "上海市", 2023, "speech", 1),
        ("c", "", "", 2023, "speech", 1),
    )
    assert region_labels(docs).tolist() == ["湖北省 武汉市", "上海市", "（未知）"]


# --------------------------------------------------------------------------- trends, KWIC, TF-IDF


def test_term_trends_fill_missing_years_with_zero() -> None:
    docs = make_docs(
        ("a", "安徽省", "合肥市", 2023, "speech", 1000),
        ("b", "安徽省", "合肥市", 2025, "speech", 2000),
        ("c", "湖北省", "武汉市", 2025, "speech", 1000),
    )
    counts = make_counts(("a", "换电站", 2), ("b", "换电站", 4), ("c", "车谷", 3))
    table = term_trends(counts, docs, terms=["换电站", "车谷"])
    assert list(table.columns) == ["year", "region", "term", "count", "per_10k"]
    assert table.values.tolist() == [
        ["2023", "", "换电站", 2, 20.0],
        ["2023", "", "车谷", 0, 0.0],
        ["2025", "", "换电站", 4, 40 / 3],
        ["2025", "", "车谷", 3, 10.0],
    ]
    by_region = term_trends(counts, docs, terms=["车谷"], by_region=True)
    assert set(by_region["region"]) == {"安徽省 合肥市", "湖北省 武汉市"}
    with pytest.raises(KeywordError):
        term_trends(counts, docs, terms=[])


@pytest.mark.parametrize(
    ("text", "term", "width", "expected"),
    [
        ("建设换电站，换电站", "换电站", 2, [("建设", 2, "，换"), ("站，", 6, "")]),
        ("换电站", "换电站", 5, [("", 0, "")]),
        ("充电桩", "换电站", 5, []),
    ],
)
def test_keyword_in_context_table(text: str, term: str, width: int, expected: list) -> None:
    corpus = make_docs(("a", "安徽省", "合肥市", 2025, "speech", len(text))).assign(text=text)
    table = keyword_in_context(corpus, term, width=width)
    assert list(table.columns) == [
        "doc_id", "source", "province", "city", "year", "left", "term", "right", "start",
    ]  # fmt: skip
    assert list(zip(table["left"], table["start"], table["right"], strict=True)) == expected


def test_document_keywords_tfidf_by_hand() -> None:
    """N = 2; 车谷 in 1 doc: idf = ln(3/2) + 1; 汽车 in both: idf = ln(3/3) + 1 = 1.

    Doc a has 4 content tokens: 车谷 tf = 1/4, 汽车 tf = 3/4.
    """
    docs = make_docs(("a", "甲省", "", 2023, "speech", 10), ("b", "乙省", "", 2023, "speech", 10))
    counts = make_counts(("a", "车谷", 1), ("a", "汽车", 3), ("a", "的", 9), ("b", "汽车", 2))
    table = document_keywords(counts, docs, stopwords={"的"}).set_index(["doc_id", "term"])
    assert table.loc[("a", "车谷"), "tfidf"] == pytest.approx(0.25 * (math.log(1.5) + 1))
    assert table.loc[("a", "汽车"), "tfidf"] == pytest.approx(0.75)
    assert table.loc[("b", "汽车"), "tfidf"] == pytest.approx(1.0)


# --------------------------------------------------------------------------- word cloud


def test_find_cjk_font_prefers_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    font = tmp_path / "my.ttf"
    font.write_bytes(b"")
    monkeypatch.setenv("POLICYLENS_FONT", str(font))
    assert keywords.find_cjk_font() == str(font)


def test_missing_font_raises_actionable_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICYLENS_FONT", raising=False)
    monkeypatch.setattr(keywords, "_fc_list_fonts", lambda: [])
    monkeypatch.setattr(keywords, "COMMON_FONT_PATHS", ())
    freqs = pd.DataFrame({"term": ["车谷"], "count": [1]})
    with pytest.raises(FontNotFoundError, match="fonts-wqy-microhei"):
        wordcloud_image(freqs)


@pytest.mark.skipif(keywords.find_cjk_font() is None, reason="no CJK font installed")
def test_wordcloud_image_draws() -> None:
    freqs = pd.DataFrame({"term": ["新能源汽车", "换电站", "世界车谷"], "count": [12, 5, 3]})
    image = wordcloud_image(freqs, width=300, height=150)
    assert image.size == (300, 150)
    assert image.convert("L").getextrema()[0] < 255  # something was drawn on white
    with pytest.raises(KeywordError):
        wordcloud_image(freqs.assign(count=0))


# --------------------------------------------------------------------------- on the seeds


@needs_cleaner
def test_xian_report_counted_once(
    seed_counts: pd.DataFrame, seed_corpus: pd.DataFrame, segmenter: Segmenter
) -> None:
    """Seed 000 is pasted twice in the raw file; the cleaned text counts 汽车产业 once.

    One copy holds the string 汽车产业 20 times (KWIC finds all 20). As a token it is 18:
    one is inside 新能源汽车产业 (新能源汽车 / 产业) and one inside 千亿级汽车产业集群
    (汽车 / 产业集群), both compounds the domain dictionary cuts the other way.
    """
    raw = seed_raw("000")
    first_line = raw.splitlines()[0]
    one_copy = raw[: raw.index(first_line, 1)]
    assert raw.count("汽车产业") == 2 * one_copy.count("汽车产业") == 40
    in_one_copy = segmenter.cut(one_copy).count("汽车产业")
    assert in_one_copy == 18
    counted = seed_counts.query("doc_id == '000' and term == '汽车产业'")["count"].sum()
    assert counted == in_one_copy
    xian = seed_corpus[seed_corpus["doc_id"] == "000"]
    assert len(keyword_in_context(xian, "汽车产业")) == one_copy.count("汽车产业") == 20


@needs_cleaner
def test_seed_top_terms_are_content(seed_counts: pd.DataFrame, seed_docs: pd.DataFrame) -> None:
    top = keyword_frequencies(seed_counts, seed_docs, stopwords=STOP, top=30)
    assert len(top) == 30
    assert not set(top["term"]) & STOP
    assert all(is_content_term(term) for term in top["term"])
    assert "新能源汽车" in set(top["term"])


@needs_cleaner
def test_wuhan_distinctive_terms(seed_counts: pd.DataFrame, seed_docs: pd.DataFrame) -> None:
    table = distinctive_terms(
        seed_counts, seed_docs, by="region", group="湖北省 武汉市", stopwords=STOP
    )
    assert {"世界车谷", "车谷"} & set(table["term"].head(10))
    assert (table["z"].head(3) > 1.96).all()


@needs_cleaner
def test_each_region_against_the_rest(seed_counts: pd.DataFrame, seed_docs: pd.DataFrame) -> None:
    table = distinctive_terms(seed_counts, seed_docs, by="region", stopwords=STOP, top=5)
    assert set(table["group"]) == {
        "陕西省 西安市",
        "安徽省 合肥市",
        "湖北省 武汉市",
        "广东省 广州市",
    }


@needs_cleaner
def test_kwic_for_battery_swap_stations(seed_corpus: pd.DataFrame) -> None:
    table = keyword_in_context(seed_corpus, "换电站", width=15)
    assert len(table) >= 3
    assert set(table["doc_id"]) == {"001"}
    assert set(table["year"]) == {2025}
    assert table["start"].is_monotonic_increasing
    text = seed_corpus.set_index("doc_id").loc["001", "text"]
    for row in table.itertuples():
        assert text[row.start - len(row.left) : row.start] == row.left
        assert text[row.start : row.start + 3] == "换电站"
        assert text[row.start + 3 : row.start + 3 + len(row.right)] == row.right


@needs_cleaner
def test_seed_document_keywords(seed_counts: pd.DataFrame, seed_docs: pd.DataFrame) -> None:
    table = document_keywords(seed_counts, seed_docs, stopwords=STOP, top=10)
    assert table.groupby("doc_id").size().to_dict() == {"000": 10, "001": 10, "002": 10, "003": 10}
    wuhan = table.query("doc_id == '002'")["term"].tolist()
    assert "世界车谷" in wuhan[:3]
