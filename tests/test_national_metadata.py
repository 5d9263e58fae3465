"""National documents of the shared corpus: region 全国 and the year of the session.

Floors measured on 2026-12-01 (bench/metadata_accuracy.py): national reports 52/52 全国 and
52/52 years from the text alone; congress reports 15/15 全国 with their file names, as
ingest reads them (the two 1921 reports of local groups name only their city in the text).
The corpus tests skip when the corpus is absent; the hand-made ones always run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.cleaning import clean_text
from analysis.metadata import detect_metadata

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
NATIONAL = "national_work_reports_1954_2025__aldohemsn"
CONGRESS = "cpc_congress_reports__aldohemsn"


def _national_reports() -> list[tuple[int, str]]:
    folder = CORPUS / NATIONAL
    if not folder.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    manifest = pd.read_csv(CORPUS / "MANIFEST.csv", dtype={"year": "Int64"}).set_index("file")
    return [
        (int(manifest.at[f"{NATIONAL}/{p.name}", "year"]), p.read_text(encoding="utf-8"))
        for p in sorted(folder.iterdir())
    ]


def test_national_reports_are_national_and_dated_by_their_session() -> None:
    reports = _national_reports()
    found = [(year, detect_metadata(clean_text(text).text)) for year, text in reports]
    provinces = {d["province"].value for _, d in found}
    assert provinces == {"全国"}, provinces
    right = sum(d["year"].value == year for year, d in found)
    assert right / len(found) >= 0.98, [
        (y, d["year"].value) for y, d in found if d["year"].value != y
    ]


def test_congress_reports_filed_under_a_congress_are_national() -> None:
    folder = CORPUS / CONGRESS
    if not folder.exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    found = {
        p.name: detect_metadata(clean_text(p.read_text(encoding="utf-8")).text, filename=p.name)
        for p in sorted(folder.iterdir())
    }
    assert len(found) == 15
    regions = {name: d["province"].value for name, d in found.items()}
    assert set(regions.values()) == {"全国"}, regions
    assert all(d["city"].value is None for d in found.values())
    assert all(d["title"].value for d in found.values()), "every report gets a title"


LOCAL_GROUP_REPORT = (
    "同志们，北京共产主义组织仅仅是在十个月以前才产生的。北京是中国北方的政治中心，"
    "北京的人口不超过九十三万。北京的工人很少。我们在北京组织了工会。\n"
)


def test_a_file_name_naming_a_national_congress_makes_the_document_national() -> None:
    by_text = detect_metadata(LOCAL_GROUP_REPORT)
    by_name = detect_metadata(
        LOCAL_GROUP_REPORT, filename="1921_第1次全国代表大会_北京共产主义组织的报告_(一大).txt"
    )
    assert by_text["province"].value == "北京市"
    assert by_name["province"].value == "全国"
    assert "文件名" in by_name["province"].evidence
    assert by_name["title"].value == "第1次全国代表大会 北京共产主义组织的报告 (一大)"
    assert by_name["title"].confidence < 0.5


def test_a_local_file_name_naming_the_state_council_later_stays_local() -> None:
    name = "湖北省人民政府关于贯彻国务院决定的通知(2020-01-02).txt"
    text = "湖北省人民政府关于贯彻国务院决定的通知\n全省各市州人民政府：" * 3
    found = detect_metadata(text, filename=name)
    assert found["province"].value == "湖北省"


def test_a_hashed_file_name_gives_no_title() -> None:
    found = detect_metadata("，我市召开汽车产业大会。" * 3, filename="000_a3948753d118a57e.txt")
    assert "a3948" not in str(found["title"].value)
    assert "文件名" not in found["title"].evidence


def test_statistics_in_chinese_numerals_date_a_national_report_the_year_after() -> None:
    text = (
        "各位代表：\n我受中共中央和国务院的委托，向大会作关于农业发展纲要执行情况的报告。\n"
        "一九五九年全年养猪二亿七千万头，年底存栏一亿八千万头。"
        "海洋和淡水的渔业生产，一九五九年的产量达到五百零二万吨。"
        "一九五九年，亩产皮棉达到一百斤以上的有四个县。毛泽东同志在一九五九年五月即已指出。\n"
    )
    found = detect_metadata(text)
    assert found["province"].value == "全国"
    assert found["year"].value == 1960, found["year"]
