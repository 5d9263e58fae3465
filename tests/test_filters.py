from __future__ import annotations

import pandas as pd
import pytest

from analysis.filters import Filters, apply_filters, region_label
from analysis.labels import UNKNOWN_YEAR
from analysis.overview import corpus_summary, documents_by_region_year

DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c", "d", "e"],
        "province": ["湖北省", "湖北省", "安徽省", "上海市", None],
        "city": ["武汉市", "襄阳市", "合肥市", "上海市", None],
        "year": pd.array([2023, 2025, 2025, None, 2024], dtype="Int64"),
        "doc_type": ["meeting_news", "plan", "speech", "work_report", "other"],
        "chars": [100, 200, 300, 400, 50],
    }
)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ["a", "b", "c", "d", "e"]),
        (Filters(provinces=("湖北省",)), ["a", "b"]),
        (Filters(provinces=("湖北省",), cities=("武汉市",)), ["a"]),
        (Filters(provinces=("湖北省", "安徽省"), cities=("武汉市",)), ["a", "c"]),
        (Filters(cities=("合肥市",)), ["c"]),
        (Filters(year_from=2024), ["b", "c", "e"]),
        (Filters(year_from=2023, year_to=2024), ["a", "e"]),
        (Filters(doc_types=("speech", "plan")), ["b", "c"]),
        (Filters(provinces=("湖北省",), year_to=2024), ["a"]),
        (Filters(provinces=("广东省",)), []),
    ],
)
def test_apply_filters(filters: Filters, expected: list[str]) -> None:
    assert apply_filters(DOCS, filters)["doc_id"].tolist() == expected


@pytest.mark.parametrize(
    ("province", "city", "label"),
    [
        ("湖北省", "武汉市", "湖北省 武汉市"),
        ("上海市", "上海市", "上海市"),
        ("湖北省", None, "湖北省"),
        (None, None, "（未知）"),
    ],
)
def test_region_label(province, city, label) -> None:
    assert region_label(province, city) == label


def test_corpus_summary_counts_only_known_regions_and_years() -> None:
    summary = corpus_summary(DOCS)
    assert (summary.documents, summary.characters) == (5, 1050)
    assert summary.regions == 4
    assert (summary.years, summary.first_year, summary.last_year) == (3, 2023, 2025)


def test_documents_by_region_year_keeps_unknown_years() -> None:
    table = documents_by_region_year(DOCS)
    assert table["documents"].sum() == 5
    assert UNKNOWN_YEAR in set(table["year"])
    assert table.query("region == '湖北省 武汉市'")["year"].tolist() == ["2023"]
