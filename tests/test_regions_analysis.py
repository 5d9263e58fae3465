"""Regions comparison: groups, theme shares, the instrument coder, attainment, similarity."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.attainment import attainment, metric_key
from analysis.coding import build_automaton, match_sentences
from analysis.groups import NATIONAL, UNKNOWN_REGION, GroupingError, membership, restrict
from analysis.instruments import CATEGORIES, code_sentence, load_instruments, parse_instruments
from analysis.similarity import nearest_documents, similarity_matrix
from analysis.themes import CodebookError, load_themes, parse_themes, theme_hits, theme_profile

from .conftest import ROOT

LABELLED = ROOT / "tests" / "data" / "instruments_labelled.csv"


def _docs(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["doc_id", "province", "city", "year", "doc_type", "text"])
    return frame.assign(district=None, chars=frame["text"].str.len())


# --------------------------------------------------------------------------- groups

DOCS = _docs(
    [
        ("a", "湖北省", "武汉市", 2025, "speech", "x"),
        ("b", "湖北省", None, 2025, "work_report", "x"),
        ("c", "全国", None, 2024, "work_report", "x"),
        ("d", None, None, None, "other", "x"),
    ]
)


@pytest.mark.parametrize(
    ("by", "level", "expected"),
    [
        ("region", "province", ["湖北省", "湖北省", NATIONAL, UNKNOWN_REGION]),
        ("region", "city", ["湖北省 武汉市", "湖北省（省级）", NATIONAL, UNKNOWN_REGION]),
        ("year", "province", ["2025", "2025", "2024", "未知年份"]),
        ("doc_type", "province", ["讲话", "工作报告", "工作报告", "其他"]),
    ],
)
def test_every_document_has_one_group(by: str, level: str, expected: list[str]) -> None:
    assert membership(DOCS, by=by, level=level)["group"].tolist() == expected


def test_a_province_group_holds_its_cities_documents() -> None:
    members = membership(DOCS)
    assert set(members.loc[members["group"] == "湖北省", "doc_id"]) == {"a", "b"}


def test_bad_grouping_and_unknown_groups_are_explained() -> None:
    with pytest.raises(GroupingError, match="by="):
        membership(DOCS, by="colour")  # type: ignore[arg-type]
    with pytest.raises(GroupingError, match="火星"):
        restrict(membership(DOCS), ["火星"])


# --------------------------------------------------------------------------- codebooks


@pytest.mark.parametrize("loader", [load_themes, load_instruments])
def test_shipped_codebooks_load_and_every_entry_is_reachable(loader) -> None:
    book = loader()
    entries = book.themes if hasattr(book, "themes") else book.instruments
    words = {w: e.id for e in entries for w in (*e.terms, *getattr(e, "strong", ()))}
    automaton = build_automaton(words)
    for entry in entries:
        word = (entry.terms or entry.strong)[0]
        matches, _ = match_sentences([("x", f"我们要{word}。")], automaton)
        found = {words[t] for t in matches["term"]}
        assert entry.id in found, f"{entry.id}: its word {word} is shadowed by another entry"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "TOML"),
        ('[[theme]]\nid = "a"\nlabel = "A"\nterms = []', "terms"),
        (
            '[[theme]]\nid = "a"\nlabel = "A"\nterms = ["充电"]\n'
            '[[theme]]\nid = "b"\nlabel = "B"\nterms = ["充电"]',
            "同时属于",
        ),
    ],
)
def test_bad_theme_codebooks_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(CodebookError, match=message):
        parse_themes(text)


def test_instrument_category_must_be_known() -> None:
    with pytest.raises(CodebookError, match="category"):
        parse_instruments(
            '[[instrument]]\nid = "x"\ncategory = "magic"\nlabel = "X"\nterms = ["a"]'
        )


# --------------------------------------------------------------------------- themes

BOOK = parse_themes(
    '[[theme]]\nid = "charge"\nlabel = "充换电"\nterms = ["充电桩", "换电站"]\n'
    '[[theme]]\nid = "nev"\nlabel = "新能源"\nterms = ["新能源汽车", "新能源"]'
)
TWO_DOCS = _docs(
    [
        # 充电桩 ×2, 换电站 ×1; 新能源汽车 ×1 (not also 新能源); 20 characters
        ("p", "安徽省", "合肥市", 2025, "speech", "新建充电桩和换电站。新能源汽车用充电桩。"),
        # 新能源 ×2 in one sentence; 10 characters
        ("q", "湖北省", "武汉市", 2025, "speech", "新能源和新能源车。"),
    ]
)


def test_theme_shares_match_hand_counts() -> None:
    hits = theme_hits(TWO_DOCS, BOOK)
    members = membership(TWO_DOCS)
    table = theme_profile(hits, members, TWO_DOCS.drop(columns="text"), BOOK).set_index(
        ["group", "theme"]
    )
    chars_p, chars_q = len(TWO_DOCS.at[0, "text"]), len(TWO_DOCS.at[1, "text"])
    assert table.loc[("安徽省", "charge"), "hits"] == 3
    assert table.loc[("安徽省", "charge"), "sentences"] == 2
    assert table.loc[("安徽省", "charge"), "per_10k"] == pytest.approx(3 * 10_000 / chars_p)
    assert table.loc[("安徽省", "nev"), "hits"] == 1
    assert table.loc[("安徽省", "charge"), "share"] == pytest.approx(3 / 4)
    assert table.loc[("湖北省", "nev"), "hits"] == 2
    assert table.loc[("湖北省", "nev"), "sentences"] == 1
    assert table.loc[("湖北省", "nev"), "per_10k"] == pytest.approx(2 * 10_000 / chars_q)
    assert table.loc[("湖北省", "charge"), "hits"] == 0  # zeros are rows too


# --------------------------------------------------------------------------- instruments

# Floors a little under the measured figures (bench/instruments_quality.py, bench/README.md).
FLOORS = {
    "supply": (0.55, 0.65),
    "demand": (0.70, 0.85),
    "environment": (0.65, 0.75),
    "none": (0.80, 0.60),
}


def test_instrument_coder_meets_its_floors_on_the_labelled_set() -> None:
    labelled = pd.read_csv(LABELLED)
    assert len(labelled) >= 150
    book = load_instruments()
    predicted = pd.Series([code_sentence(s, book)[0] for s in labelled["sentence"]])
    gold = labelled["category"]
    for name, (p_floor, r_floor) in FLOORS.items():
        tp = ((gold == name) & (predicted == name)).sum()
        precision, recall = tp / (predicted == name).sum(), tp / (gold == name).sum()
        assert precision >= p_floor, f"{name} precision {precision:.3f} < {p_floor}"
        assert recall >= r_floor, f"{name} recall {recall:.3f} < {r_floor}"


@pytest.mark.parametrize(
    ("sentence", "category", "cue"),
    [
        ("对年度研发投入占比超过5%的企业，给予最高500万元补贴。", "supply", "补贴"),
        ("新建充电桩3万个。", "supply", "充电桩"),
        ("大力实施消费品以旧换新。", "demand", "以旧换新"),
        ("力争新能源汽车产量突破120万辆。", "environment", "力争"),
        ("新能源汽车产量增长25.6%。", "none", ""),
    ],
)
def test_coded_sentences_show_the_words_that_decided(sentence, category, cue) -> None:
    got, instrument, cues = code_sentence(sentence, load_instruments())
    assert got == category
    assert cue in cues
    assert (instrument.split(".")[0] if instrument else "none") == category
    assert got in (*CATEGORIES, "none")


# --------------------------------------------------------------------------- attainment


def _quantities(rows: list[tuple]) -> pd.DataFrame:
    cols = [
        "doc_id",
        "province",
        "city",
        "year",
        "metric",
        "value",
        "value_high",
        "unit",
        "comparator",
        "kind",
        "deadline",
        "sentence",
        "start",
    ]
    return pd.DataFrame(rows, columns=cols)


PAIRS = _quantities(
    [
        (
            "t1",
            "甲省",
            None,
            2025,
            "地区生产总值增长",
            5.0,
            None,
            "%",
            "≈",
            "target",
            2025,
            "T甲",
            1,
        ),
        (
            "r1",
            "甲省",
            None,
            2026,
            "全省地区生产总值增长",
            5.4,
            None,
            "%",
            "=",
            "achievement",
            2025,
            "R甲",
            1,
        ),
        (
            "t2",
            "乙省",
            None,
            2025,
            "地区生产总值增长",
            6.0,
            None,
            "%",
            "≈",
            "target",
            2025,
            "T乙",
            1,
        ),
        (
            "r2",
            "乙省",
            None,
            2026,
            "地区生产总值增长",
            5.5,
            None,
            "%",
            "=",
            "achievement",
            2025,
            "R乙",
            1,
        ),
        (
            "t3",
            "丙省",
            None,
            2025,
            "地区生产总值增长",
            5.0,
            None,
            "%",
            "≈",
            "target",
            2025,
            "T丙",
            1,
        ),
        # a different metric in the next report must not be linked to the GDP target
        (
            "r3",
            "丙省",
            None,
            2026,
            "固定资产投资增长",
            7.0,
            None,
            "%",
            "=",
            "achievement",
            2025,
            "R丙",
            1,
        ),
        ("t4", "丁省", None, 2025, "城镇调查失业率", 5.5, None, "%", "≈", "target", 2025, "T丁", 1),
        (
            "r4",
            "丁省",
            None,
            2026,
            "城镇调查失业率",
            5.1,
            None,
            "%",
            "=",
            "achievement",
            2025,
            "R丁",
            1,
        ),
        # same metric, wrong region: not a result for 丙省
        (
            "r5",
            "戊省",
            None,
            2026,
            "地区生产总值增长",
            5.9,
            None,
            "%",
            "=",
            "achievement",
            2025,
            "R戊",
            1,
        ),
    ]
)


def test_attainment_links_met_missed_and_no_result() -> None:
    members = pd.DataFrame({"doc_id": PAIRS["doc_id"], "group": PAIRS["province"]})
    table = attainment(PAIRS, members).set_index("region")
    assert table.loc["甲省", "status"] == "met"
    assert table.loc["甲省", "result_value"] == 5.4
    assert table.loc["甲省", "result_sentence"] == "R甲"
    assert table.loc["乙省", "status"] == "missed"
    assert table.loc["丙省", "status"] == "no_result"
    assert pd.isna(table.loc["丙省", "result_value"])
    assert table.loc["丁省", "status"] == "met"  # unemployment: lower is better
    assert "戊省" not in table.index  # results alone are not targets


def test_a_bare_growth_rate_takes_the_subject_before_it() -> None:
    rows = _quantities(
        [
            (
                "t",
                "甲省",
                None,
                2025,
                "地区生产总值增长",
                5.5,
                None,
                "%",
                "≈",
                "target",
                2025,
                "T",
                1,
            ),
            (
                "r",
                "甲省",
                None,
                2026,
                "全省地区生产总值达到",
                5.53e12,
                None,
                "元",
                "=",
                "achievement",
                2025,
                "R",
                1,
            ),
            (
                "r",
                "甲省",
                None,
                2026,
                "稳居全国前十强、增长",
                4.8,
                None,
                "%",
                "=",
                "achievement",
                2025,
                "R",
                20,
            ),
        ]
    )
    members = pd.DataFrame({"doc_id": ["t", "r"], "group": ["甲省", "甲省"]})
    table = attainment(rows, members)
    assert table["result_value"].tolist() == [4.8]
    assert table["status"].tolist() == ["missed"]


def test_metric_keys_keep_different_indicators_apart() -> None:
    assert metric_key("地区生产总值增长", "%") == "gdp_growth"
    assert metric_key("固定资产投资增长", "%") == "fai_growth"
    assert metric_key("单位地区生产总值能耗降低", "%") == "energy_intensity"
    assert metric_key("地区生产总值", "元") is None


@pytest.mark.corpus
def test_provincial_gdp_targets_of_2025_link_to_2026_results(corpus_dir: Path, tmp_path) -> None:
    from analysis.corpus import ingest_paths, open_corpus

    store = open_corpus(tmp_path / "reports.duckdb")
    ingest_paths(
        store,
        [
            corpus_dir / "prov_work_reports_2025__alexzhu0",
            corpus_dir / "prov_work_reports_2026__johncodes404",
        ],
    )
    docs = store.documents()
    reports = docs[(docs["doc_type"] == "work_report") & docs["province"].notna()]
    table = attainment(store.quantities(), membership(reports), years=(2025,))
    gdp = table[table["metric"] == "gdp_growth"]
    assert len(gdp) >= 30
    assert (gdp["status"] != "no_result").sum() >= 28
    # hand-checked: 广东 set 5% and reported 3.9%; 上海 set 5% and reported 5.4%
    by_region = gdp.set_index("region")
    assert by_region.loc["广东省", "status"] == "missed"
    # 湖南 2026: 地区生产总值达到5.53万亿元、稳居全国前十强、增长4.8% (the subject comes first)
    assert by_region.loc["湖南省", "result_value"] == 4.8
    assert by_region.loc["上海市", "result_value"] == 5.4


# --------------------------------------------------------------------------- similarity

COUNTS = pd.DataFrame(
    {
        "doc_id": ["a", "a", "b", "b", "c"],
        "term": ["换电站", "充电桩", "换电站", "招商引资", "人才"],
        "count": [3, 1, 2, 5, 4],
    }
)


def test_similarity_is_symmetric_with_ones_on_the_diagonal() -> None:
    matrix = similarity_matrix(COUNTS)
    values = matrix.to_numpy()
    assert np.allclose(np.diag(values), 1.0)
    assert np.array_equal(values, values.T)
    assert ((values >= 0) & (values <= 1)).all()
    assert matrix.loc["a", "c"] == 0.0  # nothing shared
    assert 0 < matrix.loc["a", "b"] < 1


def test_group_similarity_and_nearest_documents() -> None:
    members = pd.DataFrame({"doc_id": ["a", "b", "c"], "group": ["甲", "甲", "乙"]})
    groups = similarity_matrix(COUNTS, members)
    assert list(groups.index) == ["乙", "甲"]
    assert groups.loc["甲", "甲"] == 1.0
    nearest = nearest_documents(COUNTS, "a")
    assert nearest["doc_id"].tolist()[0] == "b"
    assert "a" not in set(nearest["doc_id"])


def test_shipped_boundaries_cover_provinces_and_cities() -> None:
    from analysis.boundaries import BoundariesMissing, city_geojson, province_geojson

    names = {f["properties"]["name"] for f in province_geojson()["features"]}
    assert {"湖北省", "广东省", "新疆维吾尔自治区", "上海市"} <= names
    assert len(names) == 34
    assert "武汉市" in {f["properties"]["name"] for f in city_geojson("湖北省")["features"]}
    with pytest.raises(BoundariesMissing, match="上海市"):
        city_geojson("上海市")


def test_thinned_boundaries_are_kept_on_disk_and_rebuilt_when_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis import boundaries

    monkeypatch.setenv(boundaries.CACHE_ENV, str(tmp_path))
    boundaries.province_geojson.cache_clear()
    built = boundaries.province_geojson()
    (kept,) = (tmp_path / "boundaries").glob("provinces-*.json")
    assert json.loads(kept.read_text(encoding="utf-8")) == built

    kept.write_text(json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8")
    boundaries.province_geojson.cache_clear()
    assert boundaries.province_geojson()["features"] == []  # read from disk, not rebuilt

    kept.write_text("{not json", encoding="utf-8")
    boundaries.province_geojson.cache_clear()
    assert len(boundaries.province_geojson()["features"]) == 34
    boundaries.province_geojson.cache_clear()


def test_the_theme_heatmap_names_every_row_and_gives_it_room() -> None:
    from analysis.regions_figures import ROW_CHROME, theme_heatmap

    labels = [f"主题{i}" for i in range(23)]  # the shipped codebook's size
    profile = pd.DataFrame(
        [(g, label, float(i), i) for g in ("甲省", "乙省") for i, label in enumerate(labels)],
        columns=["group", "label", "per_10k", "hits"],
    )
    figure = theme_heatmap(profile)
    assert list(figure.data[0].y) == labels
    assert figure.layout.yaxis.dtick == 1  # Plotly otherwise skips labels on tight rows
    assert (figure.layout.height - ROW_CHROME) / len(labels) >= 20
