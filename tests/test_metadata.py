"""Metadata detection and the gazetteer: table-driven snippets, seeds, the work-report corpus."""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from analysis.gazetteer import GAZETTEER_COLUMNS, division_table, is_municipality, short_name
from analysis.metadata import EXTRA_FIELDS, _nfkc, detect_metadata, detections_frame
from analysis.types import DOC_TYPES, META_FIELDS
from tests.conftest import ROOT, seed_path

# ---------------------------------------------------------------------------------------
# Gazetteer
# ---------------------------------------------------------------------------------------


def test_division_table_shape() -> None:
    table = division_table()
    assert tuple(table.columns) == GAZETTEER_COLUMNS
    assert set(table["level"]) == {"province", "city", "district"}
    assert (table["level"] == "province").sum() == 34
    assert not table["name"].isin(["市辖区", "县", "省直辖县级行政区划"]).any()


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("陕西省", "陕西"),
        ("西安市", "西安"),
        ("广西壮族自治区", "广西"),
        ("内蒙古自治区", "内蒙古"),
        ("新疆维吾尔自治区", "新疆"),
        ("黔西南布依族苗族自治州", "黔西南"),
        ("海珠区", "海珠区"),  # districts keep their full name
        ("吉林省", "吉林"),
        ("吉林市", "吉林市"),  # the province keeps 吉林
        ("海南省", "海南"),
        ("海南藏族自治州", "海南藏族自治州"),
        ("朝阳市", "朝阳市"),  # 朝阳产业
    ],
)
def test_short_names(name: str, short: str) -> None:
    table = division_table().set_index("name")
    assert table.loc[[name], "short"].iloc[0] == short


def test_short_name_function() -> None:
    assert short_name("宁夏回族自治区", "province") == "宁夏"
    assert short_name("阿拉善盟", "city") == "阿拉善"


def test_no_one_character_or_shared_short_names() -> None:
    table = division_table()
    abbreviated = table[table["short"] != table["name"]]
    assert (abbreviated["short"].str.len() >= 2).all()
    assert not abbreviated["short"].duplicated().any()


@pytest.mark.parametrize(
    ("name", "province", "city"),
    [
        ("海淀区", "北京市", "北京市"),  # municipality: its own city
        ("北京市", "北京市", "北京市"),
        ("海珠区", "广东省", "广州市"),
        ("济源市", "河南省", None),  # county-level, directly under the province
        ("西安市", "陕西省", "西安市"),
    ],
)
def test_parents(name: str, province: str, city: str | None) -> None:
    row = division_table().set_index("name").loc[[name]].iloc[0]
    assert row["province"] == province
    assert (row["city"] if isinstance(row["city"], str) else None) == city


def test_municipalities() -> None:
    assert is_municipality("重庆市") and not is_municipality("四川省")


# ---------------------------------------------------------------------------------------
# Region
# ---------------------------------------------------------------------------------------

WUHAN_WITH_SHANGHAI = (
    "武汉市新能源汽车产业发展推进会召开\n"
    "3月5日，武汉市召开新能源汽车产业发展推进会。会议指出，武汉汽车产业基础雄厚，"
    "要学习借鉴上海经验，加快建设世界车谷。全市上下要狠抓落实，推动武汉汽车产业高质量发展。"
)


@pytest.mark.parametrize(
    ("text", "province", "city"),
    [
        ("2025年湖北省政府工作报告\n各位代表：武汉、襄阳、宜昌汽车产业…全省上下", "湖北省", None),
        (WUHAN_WITH_SHANGHAI, "湖北省", "武汉市"),
        ("西安召开汽车产业大会\n我市汽车产业规模较小，全市要加快发展。", "陕西省", "西安市"),
        ("吉林省汽车产业发展规划\n全省汽车产业…", "吉林省", None),
        ("吉林市人民政府关于支持汽车产业的意见\n全市…", "吉林省", "吉林市"),
        ("2025年云南省政府工作报告\n来源：北京日报\n各位代表", "云南省", None),
        ("推进京津冀协同，河北区域发展格局持续优化。全省上下…", "河北省", None),
        ("上海市汽车产业政策\n本市推动智能网联汽车发展", "上海市", "上海市"),
    ],
)
def test_region(text: str, province: str, city: str | None) -> None:
    found = detect_metadata(text)
    assert found["province"].value == province
    assert found["city"].value == city


def test_passing_mention_does_not_win_and_evidence_points_at_winner() -> None:
    found = detect_metadata(WUHAN_WITH_SHANGHAI)
    assert "武汉" in found["city"].evidence
    assert found["province"].confidence > 0.8


@pytest.mark.parametrize(
    "text",
    [
        "宁德时代在我市投资建设电池工厂。",  # a company, not the city 宁德
        "大力发展朝阳产业，培育新动能。",  # sunrise industry, not 朝阳市
        "全市新能源汽车产业推进会议讲话\n*市汽车产业…",  # masked city: do not invent
    ],
)
def test_no_region_invented(text: str) -> None:
    found = detect_metadata(text)
    assert found["province"].value is None
    assert found["province"].confidence == 0.0 and found["province"].evidence == ""


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("现在，我代表国务院，向大会报告政府工作。北京冬奥会成功举办，上海进博会…", None),
        ("各位代表！我代表国务院，向第五届全国人民代表大会作政府工作报告。香港、澳门…", 1978),
        ("同志们：\n现在，我代表第十六届中央委员会向大会作报告。台湾问题…", 2007),
        ("各位代表：\n本届政府1998年3月就职，任期即将结束。我代表国务院，向大会报告。", 2003),
        ("各位代表：我代表国务院向大会作政府工作报告。\n一、2009年工作回顾\n2009年…", 2010),
        (
            "各位代表：我代表国务院作报告。今年是“十二五”收官之年。2014年国内生产总值63.6万亿元",
            2015,
        ),
    ],
)
def test_national_issuer_is_national_and_dated_by_its_session(text: str, year: int | None) -> None:
    """Places named in passing never make a State Council / CPC report local."""
    found = detect_metadata(text)
    assert found["province"].value == "全国"
    assert found["city"].value is None
    assert found["year"].value == year


def test_file_name_is_a_weaker_hint_than_the_title() -> None:
    text = "成都市汽车产业大会召开\n全市汽车产业…"
    assert detect_metadata(text, filename="重庆_汽车.txt")["city"].value == "成都市"
    assert detect_metadata("全市汽车产业…", filename="成都_汽车.txt")["city"].value == "成都市"


# ---------------------------------------------------------------------------------------
# Year and date
# ---------------------------------------------------------------------------------------

BODY_2024 = "2024年全省经济平稳。" * 12


@pytest.mark.parametrize(
    ("text", "year", "date"),
    [
        (
            "2025年北京市政府工作报告\n——2025年1月14日在北京市第十六届人民代表大会第三次会议上\n"
            + BODY_2024,
            2025,
            "2025-01-14",
        ),
        (
            "政府工作报告\n——二〇二六年一月二十七日在甘肃省十四届人民代表大会第四次会议上\n"
            + BODY_2024,
            2026,
            "2026-01-27",
        ),
        (
            "您的位置:新文秘网>>正文\n推进会议讲话\n发表时间:2025/7/6 16:51:00\n正文",
            2025,
            "2025-07-06",
        ),
        ("时间：2026-02-09\n某省政府工作报告", 2026, "2026-02-09"),
        ("在2023年汽车产业高质量发展大会上的讲话\n同志们：2022年是极不平凡的一年。", 2023, None),
        (
            "1月12日上午，我市召开汽车产业大会，介绍了《西安市汽车产业发展规划（2018－2025）》",
            2018,
            None,
        ),
        ("3月20日，工委书记主持召开党工委会议。", None, None),
        ("到2025年，力争新能源汽车产量突破100万辆。", None, None),
        ("2025年汽车产业大会召开\n1月12日上午，我市召开2025年汽车产业大会。", 2025, "2025-01-12"),
        ("各位代表：\n一、2018年工作回顾\n过去一年…", 2019, None),
    ],
)
def test_year_and_date(text: str, year: int | None, date: str | None) -> None:
    found = detect_metadata(text)
    assert found["year"].value == year
    assert found["date"].value == date


def test_year_and_date_evidence() -> None:
    found = detect_metadata("在2023年汽车产业高质量发展大会上的讲话")
    assert "2023" in found["year"].evidence and isinstance(found["year"].value, int)


# ---------------------------------------------------------------------------------------
# Document type, title, source
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [
        ("2025年湖北省政府工作报告\n——2025年1月14日省长在…会议上的讲话\n各位代表：", "work_report"),
        ("在2023年汽车产业高质量发展大会上的讲话\n同志们：", "speech"),
        (
            "1月12日上午，我市召开汽车产业大会。副市长出席会议并作了重要讲话。会议由副市长主持。",
            "meeting_news",
        ),
        (
            "党工委会议传达学习省委书记调研讲话精神\n3月20日，书记主持召开党工委会议，会议强调…",
            "meeting_news",
        ),
        ("西安市汽车产业发展规划（2018—2025年）\n一、发展基础", "plan"),
        ("关于加快新能源汽车推广应用的实施意见\n各区人民政府：", "plan"),
        ("北京市自动驾驶汽车条例\n第一条 为了…\n第二条 本条例…\n第三条 …", "regulation"),
        ("今天天气晴朗", "other"),
    ],
)
def test_doc_type(text: str, doc_type: str) -> None:
    found = detect_metadata(text)
    assert found["doc_type"].value == doc_type
    assert found["doc_type"].value in DOC_TYPES


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "购物车\n我的足迹\n在2023年汽车产业高质量发展大会上的讲话\n加入Vip免费下载 立即下载",
            "在2023年汽车产业高质量发展大会上的讲话",
        ),
        (
            "下载\n打印\n全屏\n收藏\n【字号：\n加大\n】\n2026年上海市政府工作报告\n——2026年2月3日在…",
            "2026年上海市政府工作报告",
        ),
        (
            "您的位置:新文秘网>>正文\n\n全市新能源汽车产业高质量发展推进会议讲话\n",
            "全市新能源汽车产业高质量发展推进会议讲话",
        ),
        (
            "武汉经开区党工委会议 全力以赴建设“世界车谷”\n正文",
            "武汉经开区党工委会议 全力以赴建设“世界车谷”",
        ),
        (
            "按照全省汽车产业大会的部署要求，1月12日上午，我市召开汽车产业大会，对做大做强全市汽车产业进行了全面动员部署。",
            None,
        ),
    ],
)
def test_title(text: str, title: str | None) -> None:
    assert detect_metadata(text)["title"].value == title


@pytest.mark.parametrize(
    ("text", "site"),
    [
        ("2025年湖北省政府工作报告\n来源：湖北日报\n各位代表", "湖北日报"),
        ("时讯\n正文…\n来源:武汉经开区\n推荐49680", "武汉经开区"),
        ("您的位置:新文秘网>>能源/会议致辞/>>正文\n全市新能源汽车产业会议讲话", "新文秘网"),
        ("正文…请访问 http://www.wm114.cn 阅读全文", "www.wm114.cn"),
        ("推动车联网和互联网融合发展。", None),
    ],
)
def test_source_site(text: str, site: str | None) -> None:
    assert detect_metadata(text)["source_site"].value == site


# ---------------------------------------------------------------------------------------
# Shape of the answer
# ---------------------------------------------------------------------------------------


def test_every_field_is_a_detection_and_unknowns_are_empty() -> None:
    found = detect_metadata("")
    assert tuple(found) == (*META_FIELDS, *EXTRA_FIELDS)
    for field, detection in found.items():
        assert detection.field == field
        if detection.value is None:
            assert detection.confidence == 0.0 and detection.evidence == ""


def test_detections_frame() -> None:
    frame = detections_frame(detect_metadata(WUHAN_WITH_SHANGHAI))
    assert list(frame.columns) == ["field", "value", "evidence", "confidence"]
    assert list(frame["field"]) == [*META_FIELDS, *EXTRA_FIELDS]
    assert frame["confidence"].between(0, 1).all()


@pytest.mark.parametrize(
    ("text", "year", "extra"),
    [
        (
            "湖北省新能源汽车产业发展规划（2022—2030年）\n湖北省人民政府\n到2030年，力争…",
            2022,
            {"period_start": 2022, "period_end": 2030},
        ),
        (
            "# 某市条例\n2002年10月28日 某市第十一届人民代表大会常务委员会第四十四次会议通过\n"
            "2021年8月25日 某市第十五届人民代表大会常务委员会第三十四次会议《关于修改〈某市条例〉"
            "等3件地方性法规的决定》第三次修正\n<!-- INFO END -->\n第一条 为了…",
            2021,
            {"adopted_year": 2002},
        ),
    ],
)
def test_plan_period_and_regulation_history(text: str, year: int, extra: dict) -> None:
    """A plan's year is its issue year with its period kept; a regulation's year is its
    last amendment with its first adoption kept."""
    from analysis.cleaning import clean_text

    found = detect_metadata(clean_text(text).text)
    assert found["year"].value == year
    for field, value in extra.items():
        assert found[field].value == value


@pytest.mark.parametrize("opening", ["同志们！", "各位代表：", "一、去年工作回顾"])
def test_a_salutation_or_heading_is_no_title(opening: str) -> None:
    assert detect_metadata(f"{opening}\n今天我们召开会议。")["title"].value is None


def test_works_on_pdf_wrap_spaces() -> None:
    found = detect_metadata(
        "在2023年汽车产业高质量发展大会上的讲 话 同志们: 湖 北省 武 汉市汽车产业…全市"
    )
    assert (found["province"].value, found["city"].value) == ("湖北省", "武汉市")


def test_speed_on_a_long_text() -> None:
    """Target < 50 ms per 30k characters; asserted loosely so a loaded CI box does not flake."""
    text = (seed_path("003").read_text(encoding="utf-8") * 3)[:30_000]
    detect_metadata(text)  # gazetteer and matcher load once
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        detect_metadata(text)
        runs.append(time.perf_counter() - started)
    assert statistics.median(runs) < 0.15


# ---------------------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------------------

SEED_EXPECTED = {
    # prefix: (province, city, year, doc_type); None where the text does not say it
    "000": ("陕西省", "西安市", 2018, "meeting_news"),
    "001": (None, None, 2025, "speech"),  # city masked as *市: not invented
    "002": ("湖北省", "武汉市", None, "meeting_news"),  # 3月20日 only: year unknown
    "003": ("广东省", "广州市", 2023, "speech"),  # only 海珠区 (in passing): low confidence
}


@pytest.fixture(scope="module")
def seed_detections() -> dict[str, dict]:
    return {p: detect_metadata(seed_path(p).read_text(encoding="utf-8")) for p in SEED_EXPECTED}


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_seed(prefix: str, seed_detections: dict[str, dict]) -> None:
    found = seed_detections[prefix]
    province, city, year, doc_type = SEED_EXPECTED[prefix]
    assert found["province"].value == province
    assert found["city"].value == city
    assert found["year"].value == year
    assert found["doc_type"].value == doc_type


def test_seed_confidence_is_honest(seed_detections: dict[str, dict]) -> None:
    assert seed_detections["002"]["city"].confidence > 0.9  # named in the title
    assert seed_detections["003"]["province"].confidence < 0.4  # one passing district
    assert seed_detections["003"]["district"].value is None
    assert seed_detections["001"]["date"].value == "2025-07-06"
    assert seed_detections["001"]["source_site"].value == "新文秘网"


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_seed_city_belongs_to_province(prefix: str, seed_detections: dict[str, dict]) -> None:
    found = seed_detections[prefix]
    if found["city"].value is None:
        return
    table = division_table()
    cities = table[(table["province"] == found["province"].value)]["city"]
    assert found["city"].value in set(cities)


# ---------------------------------------------------------------------------------------
# Corpus benchmark (62 provincial work reports, file names hidden)
# ---------------------------------------------------------------------------------------


def _bench_module() -> ModuleType:
    path = Path(ROOT) / "bench" / "metadata_accuracy.py"
    spec = importlib.util.spec_from_file_location("metadata_accuracy", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
@pytest.mark.parametrize("cleaned", [True, False], ids=["cleaned", "raw"])
def test_work_report_accuracy(corpus_dir: Path, cleaned: bool) -> None:
    bench = _bench_module()
    outcomes = bench.evaluate(corpus_dir, cleaned=cleaned)
    assert len(outcomes) == 62
    scores = bench.accuracy(outcomes)
    assert scores["province"] >= 0.9
    assert scores["year"] >= 0.9


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTED))
def test_seed_after_cleaning(prefix: str) -> None:
    """The detector takes raw or clean text; cleaning must not change what it finds."""
    cleaning = pytest.importorskip("analysis.cleaning")
    text = cleaning.clean_text(seed_path(prefix).read_text(encoding="utf-8")).text
    found = detect_metadata(text)
    province, city, year, doc_type = SEED_EXPECTED[prefix]
    assert (found["province"].value, found["city"].value) == (province, city)
    assert (found["year"].value, found["doc_type"].value) == (year, doc_type)


@pytest.mark.parametrize(
    ("text", "filename", "year"),
    [
        # passing mentions only: the file name's year wins
        (
            "同志们，这一年里。1925年我们曾经说过。1930年以后另当别论。1927年的教训。",
            "1926_报告.txt",
            1926,
        ),
        ("同志们，这一年里。1925年我们曾经说过。1930年以后另当别论。", "条例(2020-09-25).md", 2020),
        # a dated head is stronger than any file name
        ("湖北省政府工作报告\n——2025年1月16日在湖北省第十四届人民代表大会上", "2019_x.txt", 2025),
        # no year in the name (a hex id is not one): the text's reading stands
        ("同志们，这一年里。1925年我们曾经说过。", "000_a3948753d118a57e.txt", 1925),
    ],
)
def test_a_file_name_year_replaces_only_a_weak_text_year(text, filename, year) -> None:
    assert detect_metadata(text, filename=filename)["year"].value == year


@pytest.mark.parametrize(
    "text",
    [
        "产量４，７３５万吨（增长１２．５％）：",
        "Ⅱ级①㎡…\u3000\u00a0℃",
        "e\u0301 ｅ\u0301 c\u0327 ﬁ",  # compositions after a fold, a ligature
        "\u1100\u1161\u11a8 가\u11a8",  # Hangul jamo that compose
        "ｶﾞ ｶ\u3099 か\u3099 ﾟ",  # half-width kana and voicing marks
    ],
)
def test_fast_nfkc_is_nfkc(text) -> None:
    assert _nfkc(text) == unicodedata.normalize("NFKC", text)
