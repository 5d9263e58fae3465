"""Building a store in parts on Dask gives the store a single ingest gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import scaleout
from analysis.corpus import ingest_paths
from analysis.queries import term_source
from analysis.store import Store

from .conftest import SEEDS_DIR

EXTRA = {
    "2025_合肥新能源汽车.txt": "合肥市政府工作报告\n2025年，全市新能源汽车产量150万辆。",
    "2024_长春汽车产业.txt": "长春市汽车产业推进会\n力争到2027年整车产能达到300万辆。",
    "1986_国务院政府工作报告.txt": (
        "各位代表：\n现在，我代表国务院，作关于第七个五年计划的报告，请大会审议。\n"
        "到1990年，国民生产总值要达到一万一千一百七十亿元，平均每年增长百分之七点五。\n"
    ),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        shutil.copy(seed, root / seed.name)
    for name, text in EXTRA.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    """What the dashboard reads, in an order that does not depend on how rows arrived."""
    docs = store.documents()[["doc_id", "source", "province", "city", "year", "doc_type"]]
    counts = store.token_counts()
    quantities = store.quantities()[["doc_id", "raw", "value", "unit", "kind", "deadline"]]
    return {
        "documents": docs.sort_values("doc_id").reset_index(drop=True),
        "token_counts": counts.sort_values(["doc_id", "term"]).reset_index(drop=True),
        "quantities": quantities.sort_values(["doc_id", "raw", "kind"]).reset_index(drop=True),
        "top_terms": _top_terms(store, docs["doc_id"]),
    }


def _top_terms(store: Store, doc_ids: pd.Series) -> pd.DataFrame:
    """The keyword query the pages run, over the store's term index (which absorb extends)."""
    groups = pd.DataFrame({"doc_id": doc_ids, "group": "all"})
    with term_source(store) as source:
        top = source.group_term_counts(groups, stopwords=(), top=30)
    return top.sort_values(["count", "term"], ascending=[False, True]).reset_index(drop=True)


@pytest.mark.parametrize("scheduler", ["synchronous", "processes"])
def test_parts_built_on_dask_merge_into_the_store_one_ingest_gives(
    folder: Path, tmp_path: Path, scheduler: str
) -> None:
    direct = Store(tmp_path / "direct.duckdb")
    ingest_paths(direct, [folder], workers=1)

    parts = tmp_path / "parts"
    parts.mkdir()
    tasks = scaleout.plan_parts([folder], parts, files_per_part=3)
    assert len(tasks) == 3  # 7 files in parts of 3
    report = scaleout.build_parts(tasks, scheduler=scheduler)
    assert set(report["status"]) == {"added"} and len(report) == 7
    merged = Store(tmp_path / "merged.duckdb")
    added = scaleout.merge_parts(merged, parts)
    assert added["added"].sum() == 7

    want, got = _snapshot(direct), _snapshot(merged)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_dtype=False, obj=name)
    assert "全国" in set(got["documents"]["province"])


def test_merging_a_part_twice_adds_nothing(folder: Path, tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    scaleout.build_parts(
        scaleout.plan_parts([folder], parts, files_per_part=4), scheduler="synchronous"
    )
    merged = Store(tmp_path / "merged.duckdb")
    first = scaleout.merge_parts(merged, parts)["added"].sum()
    again = scaleout.merge_parts(merged, parts)["added"].sum()
    assert (first, again) == (7, 0)
    assert len(merged.documents()) == 7


def test_user_words_of_the_target_store_reach_every_part(folder: Path, tmp_path: Path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    tasks = scaleout.plan_parts([folder], parts, files_per_part=4, user_words=["整车产能"])
    scaleout.build_parts(tasks, scheduler="synchronous")
    merged = Store(tmp_path / "merged.duckdb")
    scaleout.merge_parts(merged, parts)
    assert "整车产能" in set(merged.token_counts()["term"])
