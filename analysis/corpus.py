"""From files to stored documents: load, clean, detect metadata, segment, write.

The pipeline version records a hash of each stage's code and data (`analysis.versions`),
so a store is reprocessed (from the raw and clean text it keeps) exactly when that code
changes, and only in the stages that changed: new target rules re-extract quantities and
nothing else.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Final, Literal

import pandas as pd

from analysis import cleaning, metadata
from analysis.codes import document_codes
from analysis.errors import InvalidField, RejectedFile, SeedsMissing
from analysis.loading import LoadedDocument, expand_paths, is_excluded, read_bytes, read_path
from analysis.parallel import available_cores, ordered_map
from analysis.resources import seeds_dir
from analysis.schema import SCHEMA_VERSION
from analysis.segmentation import Segmenter, corpus_token_counts, token_counts
from analysis.store import (
    DocumentParts,
    Store,
    StoredDocument,
    StoreReadOnly,
    default_store_path,
)
from analysis.targets import extract_quantities
from analysis.types import META_FIELDS
from analysis.validation import validate_field
from analysis.versions import stage_versions, stages_to_redo, version_string, with_user_words

SEEDS_DIR: Final = seeds_dir()  # top-level seeds/ in a checkout, package data in a wheel
SEED_METADATA: Final = "metadata.csv"
Status = Literal["added", "skipped", "rejected", "updated"]
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What happened to one file (or CSV row) of an ingest, for the per-file report."""

    source: str
    status: Status
    doc_id: str = ""
    reason: str = ""


def current_versions(user_words: Sequence[str] = ()) -> dict[str, str]:
    """Every stage's version for a store whose dictionary holds `user_words`."""
    return with_user_words(stage_versions(), user_words)


def pipeline_version(user_words: Sequence[str] = ()) -> str:
    """Every stage's version, as stored with each document (`clean=…;meta=…;…;code=…`)."""
    return version_string(current_versions(user_words))


def pipeline_for(store: Store) -> str:
    """The pipeline version a document of `store` must record to be current."""
    return pipeline_version(store.user_words("word"))


def doc_id_for(sha256: str) -> str:
    return sha256[:10]


def process_document(
    loaded: LoadedDocument,
    *,
    overrides: dict[str, tuple[str | None, str]] | None = None,
    token_counter: Callable[[str, str], pd.DataFrame] | None = None,
    pipeline: str | None = None,
) -> StoredDocument:
    """Clean, detect, extract quantities, code with the shipped codebooks and (optionally)
    count tokens for one loaded document; `pipeline` is the version to record (default: the
    code's, for a store without user words).
    """
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
        pipeline=pipeline or pipeline_version(),
        changes=cleaning.changes_frame(result.changes),
        detections=metadata.detections_frame(detected),
        overrides=given,
        token_counts=token_counter(doc_id, result.text) if token_counter else None,
        quantities=extract_quantities(result.text, doc_year=year),
        codes=document_codes(doc_id, result.text),
    )


def _year_of(value: object) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


def correct_fields(store: Store, doc_id: str, values: dict[str, str]) -> None:
    """Store a user's corrections; a new year re-dates the document's `今年` targets, in the
    same transaction (a user's year wins over every other origin, so it is the year).
    """
    quantities = None
    if "year" in values:
        year = _year_of(validate_field("year", values["year"]))
        quantities = extract_quantities(store.text(doc_id), doc_year=year)
    store.set_fields(doc_id, values, quantities=quantities)


# A batch is written (one transaction) once it holds this many documents or characters:
# memory stays flat however large the corpus, and a killed ingest loses one batch at most.
BATCH_DOCS: Final = 128
BATCH_CHARS: Final = 8_000_000
# An ingest keeps its connection across batches for this long, then lets it go for a moment
# so a dashboard or another command waiting for the file gets in (see Store.holding).
HOLD_SECONDS: Final = 5.0

# Stored texts are read this many documents at a time when reprocessing: each read costs
# about a second whatever its size, and this keeps memory bounded on a large store.
READ_CHUNK: Final = 1024

Overrides = Mapping[str, tuple[str | None, str]]  # field -> (value, origin)


@dataclass(frozen=True, slots=True)
class _Task:
    """One file (or one stored document) to process: its name, how to read it, and for a
    stored document the corrections it keeps.
    """

    source: str
    read: Callable[[], list[LoadedDocument]]
    overrides: Overrides | None = None


@dataclass(frozen=True, slots=True)
class _Job:
    """What every worker needs besides its task; set before the workers fork."""

    known: Mapping[str, str]  # sha256 -> pipeline version already stored
    overrides: Mapping[str, Overrides]  # source name -> corrections given with the files
    token_counter: Callable[[str, str], pd.DataFrame]
    version: str


_JOB: _Job | None = None


def _work(task: _Task) -> list[IngestOutcome | StoredDocument]:
    """Read and process one task in a worker: its documents, or why it was rejected.

    Any error is this file's rejection with the reason; it never stops the others.
    """
    job = _JOB
    assert job is not None, "ingest job not set"
    try:
        loaded = task.read()
    except RejectedFile as exc:
        return [IngestOutcome(exc.source, "rejected", reason=exc.message)]
    except Exception as exc:  # a broken file must not stop the batch
        return [IngestOutcome(task.source, "rejected", reason=f"无法读取：{_describe(exc)}")]
    results: list[IngestOutcome | StoredDocument] = []
    for doc in loaded:
        doc_id = doc_id_for(doc.sha256)
        if job.known.get(doc.sha256) == job.version:
            results.append(IngestOutcome(doc.source, "skipped", doc_id, DUPLICATE))
            continue
        given = task.overrides if task.overrides is not None else job.overrides.get(doc.source)
        try:
            results.append(
                process_document(
                    doc,
                    overrides=dict(given or {}),
                    token_counter=job.token_counter,
                    pipeline=job.version,
                )
            )
        except Exception as exc:  # one document's failure is its rejection
            reason = f"处理出错：{_describe(exc)}"
            results.append(IngestOutcome(doc.source, "rejected", doc_id, reason))
    return results


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


DUPLICATE: Final = "重复：内容相同的文档已在库中"


def ingest_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    overrides: dict[str, dict[str, tuple[str, str]]] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    exclude: Sequence[str] = (),
) -> list[IngestOutcome]:
    """Ingest files and folders over worker processes; bad files are reported, the rest go
    in, a batch per transaction (see BATCH_DOCS). `overrides` (file name -> known fields,
    e.g. from `read_metadata_csv`) win over detection; `exclude` globs skip files.
    """
    files = expand_paths(paths, exclude=exclude)
    tasks = [_Task(path.name, partial(read_path, path)) for path in files]
    return _ingest(store, tasks, overrides=overrides or {}, progress=progress, workers=workers)


def ingest_plan(
    paths: Iterable[Path],
    *,
    exclude: Sequence[str] = (),
    overrides: Mapping[str, Overrides] | None = None,
) -> pd.DataFrame:
    """What `ingest` would do, without reading a file: file, path, status (ingest |
    excluded), and the metadata a sidecar gives it (field=value; ...).
    """
    overrides = overrides or {}
    rows = []
    for path in expand_paths(paths):
        excluded = is_excluded(path, exclude)
        given = "; ".join(f"{k}={v}" for k, (v, _) in overrides.get(path.name, {}).items())
        rows.append((path.name, str(path), "excluded" if excluded else "ingest", given))
    return pd.DataFrame(rows, columns=["file", "path", "status", "metadata"])


def ingest_uploads(
    store: Store, files: Iterable[tuple[str, bytes]], *, progress: Progress | None = None
) -> list[IngestOutcome]:
    """Ingest uploaded files (name, content) exactly as `ingest_paths` ingests files on disk;
    `progress(done, total)` after each file (for a progress bar).
    """
    tasks = [_Task(name, partial(read_bytes, data, name)) for name, data in files]
    return _ingest(store, tasks, overrides={}, progress=progress)


def _ingest(
    store: Store,
    tasks: Sequence[_Task],
    *,
    overrides: Mapping[str, Overrides],
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[IngestOutcome]:
    """Map `_work` over the tasks, write what comes back in batches, report every file."""
    global _JOB
    known = store.known_hashes()
    _JOB = _Job(known, overrides, token_counter_for(store), pipeline_for(store))
    outcomes: list[IngestOutcome] = []
    batch = _Batch(store)
    seen: set[str] = set()
    with store.holding():
        try:
            results = ordered_map(_work, tasks, workers=workers or default_workers())
            for done, found in enumerate(results, start=1):
                for item in found:
                    if isinstance(item, IngestOutcome):
                        outcomes.append(item)
                    elif item.sha256 in seen:
                        repeat = IngestOutcome(item.source, "skipped", item.doc_id, DUPLICATE)
                        outcomes.append(repeat)
                    else:
                        seen.add(item.sha256)
                        status: Status = "updated" if item.sha256 in known else "added"
                        outcomes.append(IngestOutcome(item.source, status, item.doc_id))
                        batch.add(item)
                if progress:
                    progress(done, len(tasks))
            batch.flush()
        finally:
            _JOB = None
    return outcomes


class _Batch:
    """Processed documents waiting to be written; written when full, one transaction each."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.documents: list[StoredDocument] = []
        self.chars = 0

    def add(self, doc: StoredDocument) -> None:
        self.documents.append(doc)
        self.chars += len(doc.raw_text) + len(doc.clean_text)
        if len(self.documents) >= BATCH_DOCS or self.chars >= BATCH_CHARS:
            self.flush()

    def flush(self) -> None:
        self.store.write(self.documents)
        self.documents, self.chars = [], 0
        self.store.let_go(older_than=HOLD_SECONDS)


def default_workers() -> int:
    """One worker per core this process may use."""
    return available_cores()


def outcomes_frame(outcomes: Sequence[IngestOutcome]) -> pd.DataFrame:
    """The per-file ingest report: source, status, doc_id, reason."""
    return pd.DataFrame(
        [(o.source, o.status, o.doc_id, o.reason) for o in outcomes],
        columns=["source", "status", "doc_id", "reason"],
    )


def read_seed_metadata(seeds_dir: Path = SEEDS_DIR) -> dict[str, dict[str, tuple[str, str]]]:
    """file name -> {field: (value, "seed metadata")} for every non-empty cell."""
    path = seeds_dir / SEED_METADATA
    if not path.exists():
        return {}
    return read_metadata_csv(path, origin="seed metadata")


def read_metadata_csv(path: Path, *, origin: str = "user") -> dict[str, dict[str, tuple[str, str]]]:
    """A sidecar of known metadata: file name -> {field: (value, origin)}.

    Columns: `file` and any of the correctable fields (title, province, city, district,
    year, date, doc_type, source_site), as in seeds/metadata.csv; `#` lines are comments and
    an empty cell leaves detection in charge. Values are validated like a correction, so a
    bad cell is refused with its file, row and field before anything is ingested.
    """
    from analysis.validation import validate_field

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidField(f"元数据表 {path} 无法读取（需要 UTF-8 CSV）：{exc}") from exc
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    if not rows.fieldnames or "file" not in rows.fieldnames:
        raise InvalidField(f"元数据表 {path} 需要 file 列（文件名），以及要给定的字段列")
    unknown = [c for c in rows.fieldnames if c != "file" and c not in META_FIELDS]
    if unknown:
        raise InvalidField(
            f"元数据表 {path} 有未知的列 {', '.join(unknown)}；可用：{', '.join(META_FIELDS)}"
        )
    result: dict[str, dict[str, tuple[str, str]]] = {}
    for number, row in enumerate(rows, start=2):
        name = (row.pop("file") or "").strip()
        fields: dict[str, tuple[str, str]] = {}
        for field, value in row.items():
            if not field or not value or not value.strip():
                continue
            try:
                normal = validate_field(field, value.strip())
            except InvalidField as exc:
                raise InvalidField(f"元数据表 {path} 第 {number} 行（{name}）：{exc}") from exc
            if normal is not None:
                fields[field] = (normal, origin)
        if name:
            result[name] = fields
    return result


def seed_files(seeds_dir: Path = SEEDS_DIR) -> list[Path]:
    return sorted(p for p in seeds_dir.glob("*.txt"))


def open_corpus(
    path: Path | str | None = None,
    *,
    seeds_dir: Path = SEEDS_DIR,
    progress: Progress | None = None,
    keep_open: bool = False,
    on_wait: Callable[[str], None] | None = None,
    read_only: bool = False,
) -> Store:
    """The store at `path`, seeded on first use and brought up to the current pipeline.

    Opening an unchanged store recomputes nothing: it only compares pipeline versions.
    `keep_open` keeps one connection for a long-running reader (see `Store`); `on_wait` hears
    once when the store is busy and the call waits for it. `read_only` (commands that only
    read) opens the file read-only once it needs no writing; a file that does (new, older
    schema, stale documents) is first brought up to date, if it may be written.
    """
    if read_only:
        current = _open_for_reading(path, keep_open=keep_open, on_wait=on_wait)
        if current is not None:
            return current
    store = _open_for_writing(path, seeds_dir, progress, keep_open=keep_open, on_wait=on_wait)
    if not read_only:
        return store
    store.close()
    return Store(store.path, keep_open=keep_open, on_wait=on_wait, read_only=True)


def _open_for_reading(
    path: Path | str | None, *, keep_open: bool, on_wait: Callable[[str], None] | None
) -> Store | None:
    """The store opened read-only if it needs no writing, or if it cannot be written but
    holds this code's tables (its results may be older, but they are whole); None when it
    should be brought up to date first.
    """
    target = Path(path) if path is not None else default_store_path()
    if not target.is_file():
        return None
    store = Store(target, keep_open=keep_open, on_wait=on_wait, read_only=True)
    if store.is_current() and store.get_meta("seeded") and not _stale(store):
        return store
    if not os.access(target, os.W_OK) or not os.access(target.parent, os.W_OK):
        if store.schema_version == SCHEMA_VERSION:
            return store
        store.close()
        raise StoreReadOnly(target, NEEDS_UPGRADE)
    store.close()
    return None


NEEDS_UPGRADE: Final = (
    "由旧版本的 PolicyLens 创建，需要先升级文档库结构，但文件不可写；"
    "请用可写的权限打开一次，或用 --store 指定另一个文件。"
)


def _stale(store: Store) -> bool:
    """Whether some document was made by other code or another dictionary than now."""
    version = pipeline_for(store)
    return any(v != version for v in store.known_hashes().values())


def _open_for_writing(
    path: Path | str | None,
    seeds_dir: Path,
    progress: Progress | None,
    *,
    keep_open: bool,
    on_wait: Callable[[str], None] | None,
) -> Store:
    """The store opened for writing: schema upgraded, seeded on first use, refreshed."""
    store = Store(path, keep_open=keep_open, on_wait=on_wait)
    if store.get_meta("seeded") is None:
        if not seeds_dir.exists():
            raise SeedsMissing(
                f"找不到内置种子文档目录 {seeds_dir}：请重新安装 PolicyLens（种子文档随程序提供）"
            )
        ingest_paths(
            store,
            seed_files(seeds_dir),
            overrides=read_seed_metadata(seeds_dir),
            progress=progress,
        )
        store.set_meta("seeded", "1")
    refresh(store, progress=progress)
    return store


def refresh(store: Store, *, progress: Progress | None = None, workers: int | None = None) -> int:
    """Bring documents stored by older code up to date, keeping their corrections; returns
    how many. Only the stages whose code changed are redone (see `analysis.versions`); new
    cleaning reprocesses from the raw text like an ingest (workers, batches, progress).
    """
    words = store.user_words("word")
    version = pipeline_version(words)
    stale = {sha: v for sha, v in store.known_hashes().items() if v != version}
    if not stale:
        return 0
    current = current_versions(words)
    redo = {sha: stages_to_redo(stored, current) for sha, stored in stale.items()}
    whole = sorted(sha for sha, stages in redo.items() if "clean" in stages or not stages)
    some = {sha: stages for sha, stages in redo.items() if stages and "clean" not in stages}
    offset = 0

    def report(done: int, _total: int) -> None:
        if progress:
            progress(offset + done, len(stale))

    kept = store.all_overrides()
    for start in range(0, len(whole), READ_CHUNK):
        tasks = [
            _Task(doc.source, partial(_as_list, doc), kept.get(doc_id_for(doc.sha256), {}))
            for doc in store.raw_documents(whole[start : start + READ_CHUNK])
        ]
        _ingest(store, tasks, overrides={}, progress=report, workers=workers)
        offset += len(tasks)
    if some:
        _redo_stages(store, some, kept, progress=report, workers=workers)
    return len(stale)


def _redo_stages(
    store: Store,
    redo: Mapping[str, frozenset[str]],
    kept: Mapping[str, Overrides],
    *,
    progress: Progress | None,
    workers: int | None,
) -> None:
    """Redo some stages of stored documents from their stored texts, a batch at a time."""
    global _JOB
    years = store.documents().set_index("doc_id")["year"]
    version = pipeline_for(store)
    _JOB = _Job({}, {}, token_counter_for(store), version)
    with store.holding():
        try:
            shas = sorted(redo)
            for start in range(0, len(shas), READ_CHUNK):
                chunk = shas[start : start + READ_CHUNK]
                tasks = []
                for doc, clean in store.stored_texts(chunk):
                    doc_id = doc_id_for(doc.sha256)
                    tasks.append(
                        _StageTask(
                            doc_id=doc_id,
                            source=doc.source,
                            raw_text=doc.raw_text,
                            clean_text=clean,
                            stages=redo[doc.sha256],
                            year=_year_of(years.get(doc_id)),
                            year_given=_year_given(kept.get(doc_id, {})),
                        )
                    )
                store.let_go()  # no open connection in the workers forked next
                parts: list[DocumentParts] = []
                for done, part in enumerate(
                    ordered_map(_redo, tasks, workers=workers or default_workers()), start=1
                ):
                    parts.append(part)
                    if len(parts) >= BATCH_DOCS or done == len(tasks):
                        store.write_parts(parts, pipeline=version)
                        parts = []
                        store.let_go(older_than=HOLD_SECONDS)  # as an ingest does
                        if progress:
                            progress(start + done, len(shas))
        finally:
            _JOB = None


@dataclass(frozen=True, slots=True)
class _StageTask:
    """A stored document and the stages to redo for it."""

    doc_id: str
    source: str
    raw_text: str
    clean_text: str
    stages: frozenset[str]
    year: int | None  # the effective year now (for quantities when metadata stays)
    year_given: tuple[bool, int | None]  # a correction of the year, if any, wins


def _redo(task: _StageTask) -> DocumentParts:
    """Recompute the stages of one stored document (in a worker)."""
    job = _JOB
    assert job is not None, "reprocessing job not set"
    detections = None
    year = task.year
    if "meta" in task.stages:
        detected = metadata.detect_metadata(
            task.clean_text, filename=task.source, raw_text=task.raw_text
        )
        detections = metadata.detections_frame(detected)
        given, value = task.year_given
        year = value if given else _year_of(detected["year"].value)
    counts = job.token_counter(task.doc_id, task.clean_text) if "seg" in task.stages else None
    quantities = (
        extract_quantities(task.clean_text, doc_year=year)
        if {"qty", "meta"} & task.stages
        else None
    )
    codes = document_codes(task.doc_id, task.clean_text) if "code" in task.stages else None
    return DocumentParts(task.doc_id, detections, counts, quantities, codes)


def _year_given(overrides: Overrides) -> tuple[bool, int | None]:
    if "year" not in overrides:
        return False, None
    return True, _year_of(overrides["year"][0])


def _as_list(doc: LoadedDocument) -> list[LoadedDocument]:
    return [doc]


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
    """Recount every document's tokens with the stored dictionary; all or nothing."""
    return _recount(store, store.user_words("word"), progress=progress, workers=workers)


def save_dictionary(
    store: Store,
    words: Sequence[str],
    stopwords: Sequence[str],
    *,
    progress: Progress | None = None,
    workers: int = 1,
) -> int:
    """Save the user's words and stopwords; new words recount every document. The counts
    are made first and written with the words in one transaction, so a save killed
    halfway leaves the old words with their counts. Returns the documents recounted.
    """
    store.set_user_words("stopword", list(stopwords))
    if set(_normal_words(words)) == set(store.user_words("word")):
        return 0
    return _recount(store, _normal_words(words), progress=progress, workers=workers)


def _normal_words(words: Sequence[str]) -> list[str]:
    """Words as the store keeps them: stripped, no blanks or repeats, sorted."""
    return sorted({w.strip() for w in words if w.strip()})


def _recount(store: Store, words: Sequence[str], *, progress: Progress | None, workers: int) -> int:
    """Count every document with `words` and store counts, words and the documents'
    segmentation version together.
    """
    texts = store.corpus()[["doc_id", "text"]]
    counts = corpus_token_counts(texts, _segmenter(tuple(words)), progress, workers=workers)
    store.replace_segmentation(words, counts, seg_version=current_versions(words)["seg"])
    return len(texts)
