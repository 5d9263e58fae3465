"""From files to stored documents: load, clean, detect metadata, segment, write.

The pipeline version is a hash of the code and data that produce the stored results, so a
store is reprocessed (from the raw text it keeps) exactly when that code changes, and
never otherwise.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from analysis import cleaning, metadata
from analysis.errors import RejectedFile
from analysis.loading import LoadedDocument, expand_paths, read_bytes, read_path
from analysis.segmentation import Segmenter, corpus_token_counts, token_counts
from analysis.store import Store, StoredDocument
from analysis.targets import extract_quantities

SEEDS_DIR: Final = Path(__file__).resolve().parent.parent / "seeds"
SEED_METADATA: Final = "metadata.csv"
# Modules whose output is stored; editing one of them (or its data) reprocesses the store.
_PIPELINE_MODULES: Final = (
    "cleaning",
    "metadata",
    "gazetteer",
    "redaction",
    "segmentation",
    "numbers",
    "targets",
    "national",
    "metrics",
)
_PIPELINE_DATA: Final = (
    "domain_dict.txt",
    "target_rules.toml",
    "national_sessions.toml",
    "metric_catalogue.toml",
)

Status = Literal["added", "skipped", "rejected", "updated"]
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one file (or CSV row) of an ingest, for the per-file report."""

    source: str
    status: Status
    doc_id: str = ""
    reason: str = ""


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _PIPELINE_MODULES:
        module = package / f"{name}.py"
        if module.exists():
            digest.update(module.read_bytes())
    for data in _PIPELINE_DATA:
        digest.update((package / "data" / data).read_bytes())
    return digest.hexdigest()[:12]


def doc_id_for(sha256: str) -> str:
    return sha256[:10]


def process_document(
    loaded: LoadedDocument,
    *,
    overrides: dict[str, tuple[str | None, str]] | None = None,
    token_counter: Callable[[str, str], pd.DataFrame] | None = None,
) -> StoredDocument:
    """Clean, detect and (optionally) count tokens for one loaded document."""
    result = cleaning.clean_text(loaded.raw_text)
    detected = metadata.detect_metadata(
        result.text, filename=loaded.source, raw_text=loaded.raw_text
    )
    doc_id = doc_id_for(loaded.sha256)
    file_hints = {k: (v, "file") for k, v in loaded.hints.items()}
    given = {**file_hints, **(overrides or {})}
    year = _year_of(given.get("year", (detected["year"].value, ""))[0])
    return StoredDocument(
        doc_id=doc_id,
        sha256=loaded.sha256,
        source=loaded.source,
        encoding=loaded.encoding,
        raw_text=loaded.raw_text,
        clean_text=result.text,
        pipeline=pipeline_version(),
        changes=cleaning.changes_frame(result.changes),
        detections=metadata.detections_frame(detected),
        overrides=given,
        token_counts=token_counter(doc_id, result.text) if token_counter else None,
        quantities=extract_quantities(result.text, doc_year=year),
    )


def _year_of(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def correct_fields(store: Store, doc_id: str, values: dict[str, str]) -> None:
    """Store a user's corrections; a new year re-dates the document's `今年` targets."""
    store.set_fields(doc_id, values)
    if "year" in values:
        year = store.documents().set_index("doc_id").loc[doc_id, "year"]
        text = store.text(doc_id)
        store.replace_quantities(
            doc_id, extract_quantities(text, doc_year=None if pd.isna(year) else int(year))
        )


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    overrides: dict[str, dict[str, tuple[str, str]]] | None = None,
    progress: Progress | None = None,
) -> list[IngestOutcome]:
    """Ingest files and folders; bad files are reported, the rest goes in as one transaction."""
    readers = (partial(read_path, path) for path in expand_paths(paths))
    return _ingest(store, readers, overrides=overrides or {}, progress=progress)


def ingest_uploads(store: Store, files: Iterable[tuple[str, bytes]]) -> list[IngestOutcome]:
    """Ingest uploaded files (name, content) exactly as `ingest_paths` ingests files on disk."""
    return _ingest(store, (partial(read_bytes, data, name) for name, data in files), overrides={})


def _ingest(
    store: Store,
    readers: Iterable[Callable[[], list[LoadedDocument]]],
    *,
    overrides: dict[str, dict[str, tuple[str, str]]],
    progress: Progress | None = None,
) -> list[IngestOutcome]:
    outcomes: list[IngestOutcome] = []
    loaded: list[LoadedDocument] = []
    for read in readers:
        try:
            loaded.extend(read())
        except RejectedFile as exc:
            outcomes.append(IngestOutcome(exc.source, "rejected", reason=exc.message))
    documents, more = _process_new(store, loaded, overrides=overrides, progress=progress)
    store.write(documents)
    return outcomes + more


def outcomes_frame(outcomes: Sequence[IngestOutcome]) -> pd.DataFrame:
    """The per-file ingest report: source, status, doc_id, reason."""
    return pd.DataFrame(
        [(o.source, o.status, o.doc_id, o.reason) for o in outcomes],
        columns=["source", "status", "doc_id", "reason"],
    )


def _process_new(
    store: Store,
    loaded: Sequence[LoadedDocument],
    *,
    overrides: dict[str, dict[str, tuple[str, str]]],
    progress: Progress | None = None,
) -> tuple[list[StoredDocument], list[IngestOutcome]]:
    known = store.known_hashes()
    token_counter = token_counter_for(store)
    seen: set[str] = set()
    documents: list[StoredDocument] = []
    outcomes: list[IngestOutcome] = []
    for i, doc in enumerate(loaded):
        if progress:
            progress(i, len(loaded))
        doc_id = doc_id_for(doc.sha256)
        if doc.sha256 in seen or known.get(doc.sha256) == pipeline_version():
            outcomes.append(
                IngestOutcome(doc.source, "skipped", doc_id, "重复：内容相同的文档已在库中")
            )
            continue
        seen.add(doc.sha256)
        status: Status = "updated" if doc.sha256 in known else "added"
        processed = process_document(
            doc, overrides=overrides.get(doc.source), token_counter=token_counter
        )
        documents.append(processed)
        outcomes.append(IngestOutcome(doc.source, status, doc_id))
    return documents, outcomes


def read_seed_metadata(seeds_dir: Path = SEEDS_DIR) -> dict[str, dict[str, tuple[str, str]]]:
    """file name -> {field: (value, "seed metadata")} for every non-empty cell."""
    path = seeds_dir / SEED_METADATA
    if not path.exists():
        return {}
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    result: dict[str, dict[str, tuple[str, str]]] = {}
    for row in csv.DictReader(lines):
        name = row.pop("file")
        result[name] = {k: (v.strip(), "seed metadata") for k, v in row.items() if v and v.strip()}
    return result


def seed_files(seeds_dir: Path = SEEDS_DIR) -> list[Path]:
    return sorted(p for p in seeds_dir.glob("*.txt"))


def open_corpus(
    path: Path | str | None = None,
    *,
    seeds_dir: Path = SEEDS_DIR,
    progress: Progress | None = None,
) -> Store:
    """The store at `path`, seeded on first use and brought up to the current pipeline.

    Opening an unchanged store recomputes nothing: it only compares pipeline versions.
    """
    store = Store(path)
    if store.get_meta("seeded") is None:
        if not seeds_dir.exists():
            raise FileNotFoundError(f"找不到内置种子文档目录 {seeds_dir}")
        ingest_paths(
            store,
            seed_files(seeds_dir),
            overrides=read_seed_metadata(seeds_dir),
            progress=progress,
        )
        store.set_meta("seeded", "1")
    refresh(store, progress=progress)
    return store


def refresh(store: Store, *, progress: Progress | None = None) -> int:
    """Reprocess documents stored by an older pipeline; returns how many."""
    stale = [sha for sha, version in store.known_hashes().items() if version != pipeline_version()]
    if not stale:
        return 0
    docs = store.raw_documents(stale)
    token_counter = token_counter_for(store)
    processed = []
    for i, doc in enumerate(docs):
        if progress:
            progress(i, len(docs))
        kept = store.overrides(doc_id_for(doc.sha256))
        processed.append(process_document(doc, overrides=kept, token_counter=token_counter))
    store.write(processed)
    return len(processed)


@lru_cache(maxsize=8)
def _segmenter(user_words: tuple[str, ...]) -> Segmenter:
    return Segmenter(user_words=user_words)


def segmenter_for(store: Store) -> Segmenter:
    """The segmenter every stored count comes from: domain dictionary plus the user's words."""
    return _segmenter(tuple(store.user_words("word")))


def token_counter_for(store: Store) -> Callable[[str, str], pd.DataFrame]:
    segmenter = segmenter_for(store)
    return lambda doc_id, text: token_counts(doc_id, text, segmenter)


def resegment(store: Store, *, progress: Progress | None = None, workers: int = 1) -> int:
    """Recount every document's tokens after the user's dictionary changed; all or nothing."""
    texts = store.corpus()[["doc_id", "text"]]
    counts = corpus_token_counts(texts, segmenter_for(store), progress, workers=workers)
    store.replace_token_counts(counts)
    return len(texts)
