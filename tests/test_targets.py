"""Quantity and target extraction: table-driven snippets, seeds, labelled set, properties."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.targets import TARGET_COLUMNS, corpus_quantities, extract_quantities

from . import labelled_sets as EVAL

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(scope="session")
def seed_001() -> pd.DataFrame:
    text, year = EVAL.document("001_b6bb56915dc26579.txt")
    return extract_quantities(text, doc_year=year)


@pytest.fixture(scope="session")
def seed_003() -> pd.DataFrame:
    text, year = EVAL.document("003_403905cb824b750d.txt")
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


def test_one_line_heading_opens_its_section() -> None:
    """Shanghai 2024 runs headings into the paragraph after a single space."""
    text = (
        "一、2023年工作回顾 全市生产总值增长5%。\n"
        "二、2024年主要任务 今年是关键一年。新建1万个充电桩。"
    )
    found = extract_quantities(text, doc_year=2024)
    assert found[["kind", "deadline"]].values.tolist() == [["achievement", 2023], ["target", 2024]]


@pytest.mark.parametrize(
    ("year", "kind", "deadline"), [(2021, "target", 2025), (2026, "achievement", None)]
)
def test_plan_period_paragraph(year: int, kind: str, deadline: int | None) -> None:
    text = "“十四五”时期是新征程的第一个五年。城镇调查失业率控制在5.5%以内。"
    rec = _one(text, year)
    got = None if pd.isna(rec["deadline"]) else int(rec["deadline"])
    assert (rec["kind"], got) == (kind, deadline)


@pytest.mark.parametrize(
    ("text", "year", "kinds"),
    [
        # a comparison with last year neither dates nor reviews a target
        ("主要预期目标是：收入与上年基本持平，比例保持在4%左右。", 2020, ["target"]),
        # `年初预期目标` names a benchmark, not a new target
        (
            "一、2021年工作回顾\n失业率明显低于年初预期目标，新增就业岗位63.5万个。",
            2022,
            ["achievement"],
        ),
        # `以最大努力` is a noun, not a commitment
        (
            "一、2020年工作回顾\n以最大努力推动回升，全年实现生产总值增长1.7%。",
            2021,
            ["achievement"],
        ),
        # the baseline of `由…增至` / `从2017年的…提高到`
        ("一、2025年工作回顾\n汽车保有量由2552万辆增至3230万辆。", 2026, ["other", "achievement"]),
        ("一、2022年工作回顾\n比重从2017年的30.8%提高到42%左右。", 2023, ["other", "achievement"]),
        # money offered is next to `补贴`; what it brought about is a result
        (
            "一、2024年工作回顾\n发放补贴48.3亿元，带动消费增长40.9%。",
            2025,
            ["instrument", "achievement"],
        ),
        # `累计`/`比上年` inside a dated plan are part of the plan
        ("二、2026年重点工作\n新增1000处信号灯联网、累计达8000处。", 2026, ["target", "target"]),
        # a planned deficit or bond quota is money put up, not a target
        (
            "二、2025年工作安排\n赤字率拟按4%左右安排，比上年提高1个百分点。",
            2025,
            ["instrument"] * 2,
        ),
    ],
)
def test_general_kind_rules(text: str, year: int, kinds: list[str]) -> None:
    assert extract_quantities(text, doc_year=year).kind.tolist() == kinds


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


def _deadlines(found: pd.DataFrame) -> list[int | None]:
    return [None if pd.isna(d) else int(d) for d in found.deadline]


@pytest.mark.parametrize(
    ("text", "year", "deadlines"),
    [
        # a deadline paragraph right under a heading dates the goals listed after it…
        (
            "一、总体要求\n（二）发展目标\n到2023年，平台建设长足进步。\n"
            "--平台建设。培育20家工业互联网平台。\n--融合应用。新建800个智能工厂。",
            None,
            [2023, 2023],
        ),
        # …until the next heading of the same or a higher level
        (
            "一、总体要求\n（二）发展目标\n到2023年，平台建设长足进步。\n"
            "二、行动步骤\n培育20家工业互联网平台。",
            None,
            [None],
        ),
        # a deeper sub-heading keeps it; another deadline paragraph replaces it
        (
            "（二）发展目标\n到2023年，基础更加牢固。\n1.平台。培育20家平台。\n"
            "到2025年，全面建成。\n新建800个智能工厂。",
            None,
            [2023, 2025],
        ),
        # a heading that opens on a deadline dates its block
        ("（一）到2025年底前目标任务\n新建800个智能工厂。", None, [2025]),
        # a deadline paragraph deep inside a block (not its lead) dates only itself
        (
            "二、2025年工作安排\n扩大有效投资。\n到2027年，建成30个园区。\n新增就业50万人。",
            2025,
            [2027, 2025],
        ),
        # an annual plan's title dates its tasks that state no year of their own
        (
            "包头市2022年数字政府建设考评办法\n一、重点任务\n各级大厅综合一窗率达90%以上。\n"
            "到2024年，建成30个平台。",
            2022,
            [2022, 2024],
        ),
        # a date line or a multi-year title is no annual plan
        ("2022年4月14日\n一、重点任务\n一窗率达90%以上。", None, [None]),
        ("行动计划（2021—2023年）\n一、重点任务\n一窗率达90%以上。", None, [None]),
        # work reports keep their own years (`今年`, the plan heading)
        (
            "2025年政府工作报告\n二、2025年工作安排\n今年新增就业50万人。\n新建1万个充电桩。",
            2025,
            [2025, 2025],
        ),
    ],
)
def test_policy_document_deadlines(
    text: str, year: int | None, deadlines: list[int | None]
) -> None:
    assert _deadlines(extract_quantities(text, doc_year=year)) == deadlines


@pytest.mark.parametrize(
    ("text", "year", "kinds"),
    [
        # money the government allocates is an instrument in a plan and a review alike
        ("二、2026年重点工作\n安排省级财政资金1053.8亿元，支持经济发展。", 2026, ["instrument"]),
        ("二、2026年重点工作\n为经营主体减负2500亿元以上。", 2026, ["instrument"]),
        (
            "一、2024年工作回顾\n安排“三农”资金1137.8亿元，粮食播种面积4440万亩。",
            2025,
            ["instrument", "achievement"],
        ),
        (
            "一、2025年工作回顾\n发行地方政府专项债券资金1327亿元支持项目建设。",
            2026,
            ["instrument"],
        ),
        # a verb of result or a cue between verb and money leaves the section to decide
        ("一、2024年工作回顾\n安排资金带动投资增加500亿元。", 2025, ["achievement"]),
        ("二、2025年工作安排\n进出口贸易总额安排为110亿元。", 2025, ["target"]),
        # the people an instrument reached are a result
        ("一、2025年工作回顾\n育儿补贴惠及124万名婴幼儿。", 2026, ["achievement"]),
        # a fiscal word two clauses back does not carry to a count
        (
            "二、2026年重点工作\n用好超长期特别国债等政策资金，争取100个以上项目纳入保障范围。",
            2026,
            ["target"],
        ),
    ],
)
def test_money_instrument_rules(text: str, year: int, kinds: list[str]) -> None:
    assert extract_quantities(text, doc_year=year).kind.tolist() == kinds


@pytest.mark.parametrize(
    ("text", "comparators"),
    [
        # a prefix comparator reaches every value of a `、` list
        ("城镇和农村居民人均可支配收入分别超过8万元、4.5万元。", [">", ">"]),
        ("存款、贷款余额分别突破20万亿元和11万亿元。", [">", ">"]),
        # …unless a value has its own
        ("分别超过8万元、约4.5万元。", [">", "≈"]),
        # a comparator before the base a rate is taken of
        ("按照不超过项目投资额30%的比例给予奖补。", ["<="]),
        ("按不低于合同金额的20%给予补助。", [">="]),
        # `约` inside `节约` is no comparator
        ("今年要求节约总投资额的百分之七。", ["="]),
    ],
)
def test_comparators_over_lists_and_bases(text: str, comparators: list[str]) -> None:
    assert extract_quantities(text, doc_year=2025).comparator.tolist() == comparators


def test_air_quality_unit() -> None:
    rec = _one("PM2.5平均浓度降到32.4微克/立方米。")
    assert (rec["value"], rec["unit"], rec["family"]) == (32.4, "微克/立方米", "concentration")


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
    gold = EVAL.load_gold()
    for name, found in (
        ("001_b6bb56915dc26579.txt", seed_001),
        ("003_403905cb824b750d.txt", seed_003),
    ):
        text, _ = EVAL.document(name)
        spans = [EVAL.locate(text, s) for s in gold[gold.file == name].sentence_contains.unique()]
        assert len(found) > 0, name  # an extractor finding nothing would pass the loop
        for rec in found.itertuples():
            assert any(s and s[0] <= rec.start and rec.end <= s[1] for s in spans), rec.raw


# ------------------------------------------------------------------ labelled set (regression)


def _assert_good(report: EVAL.Report) -> None:
    errors = report.errors.to_string()
    assert report.targets.precision >= 0.9 and report.targets.recall >= 0.9, errors
    assert report.kind_micro.precision >= 0.9 and report.kind_micro.recall >= 0.9, errors
    assert report.quantities.recall >= 0.9, errors


def test_labelled_set_precision_recall() -> None:
    _assert_good(EVAL.evaluate())


def _heldout() -> pd.DataFrame:
    """The held-out set; without ../shared/corpus only its seed rows can be scored."""
    gold = EVAL.load_gold(EVAL.HELDOUT_PATH)
    if not CORPUS.exists():
        gold = gold[gold.file.str.match(r"\d{3}_")]
    return gold


def test_heldout_set_precision_recall() -> None:
    """Labelled blind on documents the rules were not tuned on (see bench/README.md)."""
    gold = _heldout()
    assert len(gold) >= 4
    _assert_good(EVAL.evaluate(gold))


def test_heldout_labels_are_well_formed() -> None:
    gold = EVAL.load_gold(EVAL.HELDOUT_PATH)
    assert list(gold.columns) == list(EVAL.load_gold().columns)
    assert set(gold.kind) <= {"target", "achievement", "instrument", "forecast", "other"}
    assert gold.value.astype(float).notna().all()
    tuned = set(zip(EVAL.load_gold().file, EVAL.load_gold().sentence_contains, strict=True))
    assert not tuned & set(zip(gold.file, gold.sentence_contains, strict=True))


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is absent")
def test_every_work_report_gets_its_own_year_growth_target() -> None:
    gold = EVAL.load_gold()
    growth = gold[
        (gold.kind == "target") & gold.sentence_contains.str.contains("预期目标|主要目标")
    ]
    assert len(growth) >= 62
    for row in growth.itertuples():
        text, year = EVAL.document(row.file)
        found = extract_quantities(text, doc_year=year)
        where = EVAL.locate(text, row.sentence_contains)
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
