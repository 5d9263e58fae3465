"""Quantity and target extraction: table-driven snippets, seeds, labelled set, properties."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.targets import TARGET_COLUMNS, corpus_quantities, extract_quantities

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "targets_quality", ROOT / "bench" / "targets_quality.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while loading
    spec.loader.exec_module(module)
    return module


BENCH = _bench()


@pytest.fixture(scope="session")
def seed_001() -> pd.DataFrame:
    text, year = BENCH.document("001_b6bb56915dc26579.txt")
    return extract_quantities(text, doc_year=year)


@pytest.fixture(scope="session")
def seed_003() -> pd.DataFrame:
    text, year = BENCH.document("003_403905cb824b750d.txt")
    return extract_quantities(text, doc_year=year)


def _one(text: str, year: int | None = 2025) -> dict[str, object]:
    found = extract_quantities(text, doc_year=year)
    assert len(found) == 1, found
    return found.iloc[0].to_dict()


@pytest.mark.parametrize(
    ("text", "value", "unit", "comparator"),
    [
        ("力争产量达到200万辆。", 2_000_000.0, "辆", "="),
        ("营收5000亿元。", 5e11, "元", "="),
        ("增长５．５％左右。", 5.5, "%", "≈"),
        ("建成换电站200座以上。", 200.0, "座", ">="),
        ("投资不超过1亿元。", 1e8, "元", "<="),
        ("产量突破三百万辆。", 3e6, "辆", ">"),
        ("周期缩短至12个月以内。", 12.0, "个月", "<="),
        ("占比达到百分之十五。", 15.0, "%", "="),
        ("引进企业30多家。", 30.0, "家", ">"),
    ],
)
def test_values_units_comparators(text: str, value: float, unit: str, comparator: str) -> None:
    rec = _one(text)
    assert (rec["value"], rec["unit"], rec["comparator"]) == (value, unit, comparator)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("增长4.5%—5%。", 4.5, 5.0), ("增长4.5-5%。", 4.5, 5.0), ("增长5%-5.5%。", 5.0, 5.5)],
)
def test_ranges(text: str, low: float, high: float) -> None:
    rec = _one(text)
    assert (rec["value"], rec["value_high"], rec["comparator"]) == (low, high, "range")


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("打造千亿级汽车产业集群。", 1e11, "元"),
        ("形成万亿级产业集群。", 1e12, "元"),
        ("百万辆汽车产能。", 1e6, "辆"),
    ],
)
def test_scale_slogans(text: str, value: float, unit: str) -> None:
    rec = _one(text)
    assert (rec["value"], rec["unit"], rec["scale"]) == (value, unit, True)


@pytest.mark.parametrize(
    "text",
    [
        "营收XX亿元，销量XXX万辆。",
        "支持“神玑N*9031”芯片。",
        "一九五五年，2025年7月6日，第20位，国发〔2023〕5号。",
        "一、总体要求\n（二）重点任务\n一是要加快发展。",
        "L4级自动驾驶，5G基站，尊界S800。",
        "打造“两个覆盖”，三大产业。",
    ],
)
def test_non_quantities(text: str) -> None:
    assert extract_quantities(text, doc_year=2025).empty


@pytest.mark.parametrize(
    ("text", "kind", "cue"),
    [
        ("到2025年底，力争本地配套率达到80%以上。", "target", "力争"),
        ("对新引进的整车企业，最高给予5亿元落地补贴。", "instrument", "给予"),
        ("全市地区生产总值预计增长5.1％左右。", "achievement", "预计"),
        ("预计2025年将达到5000亿元规模。", "forecast", "预计…将"),
        ("*汽车已在欧洲建成30家换电站。", "achievement", "已"),
    ],
)
def test_kinds_and_cues(text: str, kind: str, cue: str) -> None:
    rec = _one(text)
    assert (rec["kind"], rec["cue"]) == (kind, cue)


def test_section_decides_unmarked_numbers() -> None:
    text = (
        "一、2024年工作回顾\n地区生产总值增长5.3%。\n二、2025年工作安排\n地区生产总值增长5%左右。"
    )
    found = extract_quantities(text, doc_year=2025)
    assert found[["kind", "deadline"]].values.tolist() == [["achievement", 2024], ["target", 2025]]


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("2025年底前建成换电站200座。", 2025),
        ("力争到2026年配套率达到30%。", 2026),
        ("2025年下半年，确保办结率达到95%以上。", 2025),
        ("研究制定三年行动计划（2026—2028年），力争产值突破100亿元。", 2028),
        ("今年力争产量突破20万辆。", 2025),
        ("力争产量突破20万辆。", None),
    ],
)
def test_deadlines(text: str, deadline: int | None) -> None:
    rec = _one(text)
    got = None if pd.isna(rec["deadline"]) else int(rec["deadline"])
    assert got == deadline
    assert (None if pd.isna(rec["horizon"]) else int(rec["horizon"])) == (
        None if deadline is None else deadline - 2025
    )


def test_respectively_gives_one_subject_per_value() -> None:
    text = "到2025年底,力争实现动力电池、驱动电机、电控系统本地配套率分别达到80%、70%、60%以上。"
    found = extract_quantities(text, doc_year=2025)
    assert found.metric.tolist() == [
        "动力电池本地配套率",
        "驱动电机本地配套率",
        "电控系统本地配套率",
    ]
    assert found.comparator.tolist() == [">=", ">=", ">="]
    assert set(found.kind) == {"target"} and set(found.deadline) == {2025}


def test_columns_and_empty_input() -> None:
    assert tuple(extract_quantities("").columns) == TARGET_COLUMNS
    assert tuple(extract_quantities("没有数字。").columns) == TARGET_COLUMNS
    with pytest.raises(TypeError, match="text must be a str"):
        extract_quantities(None)  # type: ignore[arg-type]


def test_corpus_quantities_prepends_document_keys() -> None:
    corpus = pd.DataFrame(
        [
            {
                "doc_id": "a",
                "source": "s",
                "province": "安徽省",
                "city": "合肥市",
                "year": 2025,
                "text": "力争新能源汽车产量突破120万辆。",
                "title": "t",
            },
            {"doc_id": "b", "source": "s", "province": "", "city": "", "year": None, "text": ""},
        ]
    )
    out = corpus_quantities(corpus)
    assert list(out.columns) == ["doc_id", "source", "province", "city", "year", *TARGET_COLUMNS]
    assert out[["doc_id", "value", "kind"]].values.tolist() == [["a", 1_200_000.0, "target"]]
    with pytest.raises(ValueError, match="lacks column"):
        corpus_quantities(pd.DataFrame({"text": ["x"]}))


# ------------------------------------------------------------------ seeds (done-when checks)


def test_seed_001_dated_targets(seed_001: pd.DataFrame) -> None:
    rows = {
        (r.metric, r.value, r.unit, r.comparator, r.deadline)
        for r in seed_001[seed_001.kind == "target"].itertuples()
    }
    assert ("动力电池本地配套率", 80.0, "%", ">=", 2025) in rows
    assert ("电控系统本地配套率", 60.0, "%", ">=", 2025) in rows
    assert ("整车年产能", 2e6, "辆", ">", 2026) in rows
    assert ("新能源汽车出口量", 2e5, "辆", ">", 2025) in rows
    assert ("车载芯片本地配套率", 30.0, "%", ">=", 2026) in rows


def test_seed_001_instruments_and_achievements(seed_001: pd.DataFrame) -> None:
    by_raw = seed_001.set_index("raw")
    assert by_raw.loc["5亿元", "kind"] == "instrument"
    assert by_raw.loc["1亿元", "kind"] == "instrument"
    assert by_raw.loc["200亿元", "kind"] == "instrument"
    assert by_raw.loc["24925台", "kind"] == "achievement"
    assert by_raw.loc["6500台", "kind"] == "achievement"


def test_seed_003_yields_no_target(seed_003: pd.DataFrame) -> None:
    assert not (seed_003.kind == "target").any()
    assert not seed_003.raw.str.contains("X").any()


def test_seeds_fully_labelled(seed_001: pd.DataFrame, seed_003: pd.DataFrame) -> None:
    """Every quantity found in seeds 001 and 003 lies in a labelled span (full precision)."""
    gold = BENCH.load_gold()
    for name, found in (
        ("001_b6bb56915dc26579.txt", seed_001),
        ("003_403905cb824b750d.txt", seed_003),
    ):
        text, _ = BENCH.document(name)
        spans = [BENCH.locate(text, s) for s in gold[gold.file == name].sentence_contains.unique()]
        for rec in found.itertuples():
            assert any(s and s[0] <= rec.start and rec.end <= s[1] for s in spans), rec.raw


# ------------------------------------------------------------------ labelled set (regression)


def test_labelled_set_precision_recall() -> None:
    report = BENCH.evaluate()
    assert report.targets.precision >= 0.9 and report.targets.recall >= 0.9, report.errors
    assert report.kind_micro.precision >= 0.9 and report.kind_micro.recall >= 0.9, report.errors
    assert report.quantities.recall >= 0.9, report.errors


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is absent")
def test_every_work_report_gets_its_own_year_growth_target() -> None:
    gold = BENCH.load_gold()
    growth = gold[
        (gold.kind == "target") & gold.sentence_contains.str.contains("预期目标|主要目标")
    ]
    assert len(growth) >= 62
    for row in growth.itertuples():
        text, year = BENCH.document(row.file)
        found = extract_quantities(text, doc_year=year)
        where = BENCH.locate(text, row.sentence_contains)
        assert where, row.sentence_contains
        hit = found[(found.start >= where[0]) & (found.end <= where[1])]
        hit = hit[hit.value == float(row.value)]
        assert (hit.kind == "target").all() and (hit.deadline == year).all(), row.file


# ------------------------------------------------------------------ properties

CJK = st.sampled_from(
    list("年月日亿万千百十一二三四五六七八九零两%％．.,，。；、—-XＸ*到力争达以上左右元辆个")
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(CJK, st.characters(), st.sampled_from(list("0123456789０１２"))), max_size=60
    )
)
def test_arbitrary_text_never_raises_and_offsets_slice_to_raw(chars: list[str]) -> None:
    text = "".join(chars)
    found = extract_quantities(text, doc_year=2025)
    assert tuple(found.columns) == TARGET_COLUMNS
    for rec in found.itertuples():
        assert text[rec.start : rec.end] == rec.raw
        assert not math.isnan(rec.value)
