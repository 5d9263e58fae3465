"""Corpus-level figures for the current selection: how much text, from where, from when."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.filters import UNKNOWN, with_region
from analysis.labels import UNKNOWN_YEAR


@dataclass(frozen=True, slots=True)
class CorpusSummary:
    documents: int
    characters: int
    regions: int
    years: int
    first_year: int | None
    last_year: int | None


def corpus_summary(docs: pd.DataFrame) -> CorpusSummary:
    """Headline counts of a documents frame (DOC_COLUMNS).

    Regions count distinct province+city labels; documents with unknown year or region do
    not add a year or a region.
    """
    years = pd.to_numeric(docs["year"], errors="coerce").dropna().astype(int)
    regions = with_region(docs)["region"] if len(docs) else pd.Series(dtype=str)
    known_regions = regions[docs["province"].notna()] if len(docs) else regions
    return CorpusSummary(
        documents=len(docs),
        characters=int(docs["chars"].sum()) if len(docs) else 0,
        regions=known_regions.nunique(),
        years=years.nunique(),
        first_year=int(years.min()) if len(years) else None,
        last_year=int(years.max()) if len(years) else None,
    )


def documents_by_region_year(docs: pd.DataFrame) -> pd.DataFrame:
    """region, year, documents, chars: one row per (region, year) present in `docs`.

    Unknown years are kept as the label UNKNOWN_YEAR so such documents still show up.
    """
    if docs.empty:
        return pd.DataFrame(columns=["region", "year", "documents", "chars"])
    frame = with_region(docs).assign(
        year=lambda d: d["year"].astype("Int64").astype("string").fillna(UNKNOWN_YEAR)
    )
    grouped = frame.groupby(["region", "year"], as_index=False).agg(
        documents=("doc_id", "size"), chars=("chars", "sum")
    )
    return grouped.sort_values(["year", "region"]).reset_index(drop=True)


def documents_by_province_year(docs: pd.DataFrame) -> pd.DataFrame:
    """province, year, documents, chars: cities summed into their province.

    The province of a document without one is UNKNOWN_REGION, an unknown year UNKNOWN_YEAR.
    """
    if docs.empty:
        return pd.DataFrame(columns=["province", "year", "documents", "chars"])
    frame = docs.assign(
        province=docs["province"].fillna(UNKNOWN).replace("", UNKNOWN),
        year=docs["year"].astype("Int64").astype("string").fillna(UNKNOWN_YEAR),
    )
    grouped = frame.groupby(["province", "year"], as_index=False).agg(
        documents=("doc_id", "size"), chars=("chars", "sum")
    )
    return grouped.sort_values(["year", "province"]).reset_index(drop=True)
