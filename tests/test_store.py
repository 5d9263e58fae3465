from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import cleaning, corpus
from analysis.errors import InvalidField, UnknownDocument
from analysis.loading import read_path
from analysis.store import Store
from analysis.types import DOC_COLUMNS

from .conftest import ROOT

EXPECTED_SEEDS = {
    "000": ("陕西省", "西安市", 2018),
    "001": ("安徽省", "合肥市", 2025),
    "002": ("湖北省", "武汉市", 2023),
    "003": ("广东省", "广州市", 2023),
}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return corpus.open_corpus(tmp_path / "c.duckdb")


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_new_store_starts_with_the_seeds(seed_store: Store) -> None:
    docs = seed_store.documents()
    assert list(docs.columns) == list(DOC_COLUMNS)
    assert len(docs) == 4
    for prefix, (province, city, year) in EXPECTED_SEEDS.items():
        row = docs[docs["source"].str.startswith(prefix)].iloc[0]
        assert (row["province"], row["city"], row["year"]) == (province, city, year)
    assert (docs["chars"] <= docs["raw_chars"]).all()


def test_seed_000_is_about_half_its_raw_length(seed_store: Store) -> None:
    row = seed_store.documents().query("source.str.startswith('000')").iloc[0]
    assert 0.4 <= row["chars"] / row["raw_chars"] <= 0.6


def test_ingesting_the_same_text_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    text = "合肥市召开新能源汽车产业推进会。到2026年，整车年产能突破200万辆。"
    a = _write(tmp_path / "in", "a.txt", text)
    b = _write(tmp_path / "in", "b_gbk.txt", text, "gb18030")
    first = corpus.ingest_paths(store, [a])
    second = corpus.ingest_paths(store, [a, b])
    assert [o.status for o in first] == ["added"]
    assert [o.status for o in second] == ["skipped", "skipped"]
    assert len(store.documents()) == 5


def test_reopening_an_unchanged_store_recomputes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(_: str) -> None:
        raise AssertionError("cleaning ran again on an unchanged corpus")

    monkeypatch.setattr(cleaning, "clean_text", fail)
    reopened = corpus.open_corpus(store.path)
    assert len(reopened.documents()) == 4


def test_a_new_pipeline_version_reprocesses_and_keeps_corrections(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = store.documents()["doc_id"].iloc[0]
    store.set_fields(doc_id, {"city": "测试市"})
    monkeypatch.setattr(corpus, "pipeline_version", lambda *_: "new-version")
    assert corpus.refresh(store) == 4
    assert corpus.refresh(store) == 0
    assert store.documents().set_index("doc_id").loc[doc_id, "city"] == "测试市"


def test_a_failed_write_leaves_the_store_as_it_was(store: Store, tmp_path: Path) -> None:
    before = store.documents()
    good = corpus.process_document(
        read_path(_write(tmp_path, "good.txt", "武汉市汽车产业发展大会召开。"))[0]
    )
    bad = corpus.process_document(
        read_path(_write(tmp_path, "bad.txt", "西安市汽车产业大会召开。"))[0]
    )
    broken = bad.__class__(**{**{f: getattr(bad, f) for f in bad.__slots__}, "changes": None})
    with pytest.raises(AttributeError):
        store.write([good, broken])
    pd.testing.assert_frame_equal(store.documents(), before)


def test_an_ingest_killed_halfway_leaves_the_store_as_it_was(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    for i in range(6):
        _write(folder, f"doc{i}.txt", f"第{i}号文件。西安市汽车产业大会召开，产量增长{i}%。")
    before = len(store.documents())
    # The child pauses inside the transaction after writing its first batch's rows; we kill
    # it there.
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from analysis import corpus, store as store_module
        original = store_module.Store._write_rows
        def slow(self, con, docs):
            original(self, con, docs)
            print("inside", flush=True)
            time.sleep(60)
        store_module.Store._write_rows = slow
        corpus.ingest_paths(store_module.Store(Path({str(store.path)!r})), [Path({str(folder)!r})])
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "inside"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    time.sleep(0.2)
    assert len(Store(store.path).documents()) == before


def test_corrections_are_kept_and_validated(store: Store) -> None:
    doc_id = store.documents()["doc_id"].iloc[0]
    store.set_fields(doc_id, {"city": "合肥市", "year": "2024", "doc_type": "plan"})
    row = Store(store.path).documents().set_index("doc_id").loc[doc_id]
    assert (row["city"], row["year"], row["doc_type"]) == ("合肥市", 2024, "plan")
    evidence = store.evidence(doc_id).set_index("field")
    assert evidence.loc["city", "origin"] == "user"
    assert "用户更正" in evidence.loc["city", "evidence"]
    for bad in (
        {"year": "二〇二四"},
        {"doc_type": "novel"},
        {"colour": "red"},
        {"date": "yesterday"},
    ):
        with pytest.raises(InvalidField):
            store.set_fields(doc_id, bad)


def test_unknown_document_is_a_clear_error(store: Store) -> None:
    with pytest.raises(UnknownDocument, match="没有编号为 nope"):
        store.text("nope")


def test_changes_record_slices_the_raw_text(seed_store: Store) -> None:
    checked = 0
    for doc_id in seed_store.documents()["doc_id"]:
        raw = seed_store.text(doc_id, raw=True)
        changes = seed_store.changes(doc_id)
        for row in changes.itertuples():
            assert raw[row.start : row.end] == row.removed
            checked += 1
    assert checked > 0  # the seeds carry site chrome: an empty record would pass vacuously


def test_every_seed_field_has_evidence(seed_store: Store) -> None:
    doc_id = seed_store.documents().query("source.str.startswith('002')")["doc_id"].iloc[0]
    evidence = seed_store.evidence(doc_id).set_index("field")
    assert evidence.loc["province", "value"] == "湖北省"
    assert evidence.loc["province", "origin"] == "seed metadata"
    assert evidence.loc["province", "evidence"]  # shows what detection had found


def test_a_field_can_be_corrected_to_unknown(store: Store) -> None:
    doc_id = store.documents().query("source.str.startswith('002')")["doc_id"].iloc[0]
    store.set_fields(doc_id, {"district": ""})
    assert store.documents().set_index("doc_id").loc[doc_id, "district"] is None
    evidence = store.evidence(doc_id).set_index("field")
    assert evidence.loc["district", "origin"] == "user"
    assert evidence.loc["district", "value"] is None


def test_quantities_are_stored_and_a_year_correction_redates_them(
    store: Store, tmp_path: Path
) -> None:
    path = _write(tmp_path, "plan.txt", "会议强调，今年力争全市新能源汽车产量突破120万辆。")
    [outcome] = corpus.ingest_paths(store, [path])
    stored = store.quantities().query("doc_id == @outcome.doc_id")
    assert stored[["value", "kind"]].values.tolist() == [[1_200_000.0, "target"]]
    assert pd.isna(stored["deadline"].iloc[0])  # no year known yet
    corpus.correct_fields(store, outcome.doc_id, {"year": "2026"})
    redated = store.quantities().query("doc_id == @outcome.doc_id")
    assert redated["deadline"].tolist() == [2026]
    assert redated["year"].tolist() == [2026]


def test_seed_quantities_follow_the_seed_year(seed_store: Store) -> None:
    quantities = seed_store.quantities()
    speech = quantities[quantities["source"].str.startswith("001")]
    assert (speech["year"] == 2025).all()
    assert {"target", "instrument", "achievement"} <= set(speech["kind"])
    assert quantities[quantities["source"].str.startswith("003")]["kind"].ne("target").all()


def test_every_write_changes_the_version_the_ui_caches_on(store: Store) -> None:
    seen = {store.version()}
    store.set_user_words("stopword", ["某词"])
    seen.add(store.version())
    store.set_user_words("stopword", ["另一词"])  # same count, other word: still a change
    seen.add(store.version())
    doc_id = store.documents()["doc_id"].iloc[0]
    store.set_fields(doc_id, {"district": "测试区"})
    seen.add(store.version())
    store.replace_token_counts(store.token_counts())
    seen.add(store.version())
    assert len(seen) == 5
    with pytest.raises(InvalidField):
        store.set_fields(doc_id, {"year": "bad"})
    assert store.version() in seen  # nothing committed, nothing changed


def test_uploads_are_reported_by_name_and_a_bad_one_loses_nothing(store: Store) -> None:
    before = set(store.documents()["doc_id"])
    outcomes = corpus.ingest_uploads(
        store,
        [
            ("好.txt", "十堰市召开汽车产业大会，力争整车产量突破60万辆。".encode("gb18030")),
            ("坏.docx", b"PK\x03\x04 not a zip"),
            ("空.txt", b""),
        ],
    )
    report = corpus.outcomes_frame(outcomes).set_index("source")
    assert report.loc["好.txt", "status"] == "added"
    assert report.loc["坏.docx", "status"] == "rejected" and report.loc["坏.docx", "reason"]
    assert report.loc["空.txt", "status"] == "rejected"
    assert set(store.documents()["doc_id"]) == before | {report.loc["好.txt", "doc_id"]}


def test_a_file_that_breaks_processing_is_rejected_and_the_rest_go_in(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = cleaning.clean_text

    def fragile(text: str):
        if "坏" in text:
            raise ValueError("cannot clean this")
        return original(text)

    monkeypatch.setattr(cleaning, "clean_text", fragile)
    folder = tmp_path / "mixed"
    _write(folder, "a_good.txt", "合肥市召开新能源汽车推进会。")
    _write(folder, "b_bad.txt", "这是一个坏文件。")
    _write(folder, "c_good.txt", "武汉市召开汽车产业大会。")
    before = len(store.documents())
    outcomes = corpus.ingest_paths(store, [folder], workers=2)
    by_name = {o.source: o for o in outcomes}
    assert by_name["a_good.txt"].status == by_name["c_good.txt"].status == "added"
    assert by_name["b_bad.txt"].status == "rejected"
    assert "ValueError" in by_name["b_bad.txt"].reason
    assert len(store.documents()) == before + 2


def test_parallel_ingest_stores_what_a_serial_one_stores(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    for i in range(7):
        _write(
            folder, f"d{i}.txt", f"第{i}号文件。到2025年，合肥市新能源汽车产量突破{i + 1}00万辆。"
        )
    _write(folder, "dup.txt", "第0号文件。到2025年，合肥市新能源汽车产量突破100万辆。")
    stores = {1: corpus.open_corpus(tmp_path / "w1.duckdb")}
    outcomes = corpus.ingest_paths(stores[1], [folder], workers=1)
    assert [o.status for o in outcomes].count("skipped") == 1
    # Two workers from the command line: a single-threaded process, so they really fork.
    command = ["ingest", str(folder), "--workers", "2", "--store", str(tmp_path / "w2.duckdb")]
    result = subprocess.run(
        [sys.executable, "-m", "analysis", *command, "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert result.stdout.count(",skipped,") == 1
    assert "导入：8/8 个文件" in result.stderr  # the progress line, with counts and rate
    stores[2] = Store(tmp_path / "w2.duckdb")
    pd.testing.assert_frame_equal(stores[1].documents(), stores[2].documents())
    counts = [
        s.token_counts().sort_values(["doc_id", "term"]).reset_index(drop=True)
        for s in stores.values()
    ]
    pd.testing.assert_frame_equal(counts[0], counts[1])
    quantities = [s.quantities().reset_index(drop=True) for s in stores.values()]
    pd.testing.assert_frame_equal(quantities[0], quantities[1])


def test_each_batch_is_its_own_transaction(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus, "BATCH_DOCS", 2)
    folder = tmp_path / "five"
    for i in range(5):
        _write(folder, f"f{i}.txt", f"第{i}号文件。西安市汽车产业大会召开。")
    before = int(store.version())
    corpus.ingest_paths(store, [folder], workers=1)
    assert int(store.version()) - before == 3  # 2 + 2 + 1 documents
    assert len(store.documents()) == 4 + 5


def _changed(stage: str) -> dict[str, str]:
    from analysis.versions import stage_versions

    return {**stage_versions(), stage: "changed00000"}


def _forbid(monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{name} ran, but its stage did not change")

    monkeypatch.setattr(target, name, fail)


def test_new_target_rules_re_extract_quantities_only(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = store.documents().query("source.str.startswith('001')")["doc_id"].item()
    before = store.quantities()
    counts = store.token_counts()
    monkeypatch.setattr(corpus, "stage_versions", lambda: _changed("qty"))
    _forbid(monkeypatch, cleaning, "clean_text")
    _forbid(monkeypatch, corpus.metadata, "detect_metadata")
    monkeypatch.setattr(corpus, "token_counter_for", lambda store: None)  # never called
    calls: list[int | None] = []
    original = corpus.extract_quantities

    def counted(text: str, *, doc_year: int | None = None) -> pd.DataFrame:
        calls.append(doc_year)
        return original(text, doc_year=doc_year)

    monkeypatch.setattr(corpus, "extract_quantities", counted)
    assert corpus.refresh(store, workers=1) == 4
    assert sorted(calls, key=str) == sorted(store.documents()["year"].tolist(), key=str)
    pd.testing.assert_frame_equal(store.quantities(), before)  # same rules, same rows
    pd.testing.assert_frame_equal(store.token_counts(), counts)
    assert corpus.refresh(store, workers=1) == 0
    assert "qty=changed00000" in store.known_hashes()[next(iter(store.known_hashes()))].split(";")
    assert doc_id in set(store.quantities()["doc_id"])


def test_new_metadata_code_redoes_detection_and_quantities_and_keeps_corrections(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc_id = store.documents()["doc_id"].iloc[0]
    store.set_fields(doc_id, {"city": "测试市", "year": "2030"})
    monkeypatch.setattr(corpus, "stage_versions", lambda: _changed("meta"))
    _forbid(monkeypatch, cleaning, "clean_text")
    monkeypatch.setattr(corpus, "token_counter_for", lambda store: None)
    years: list[int | None] = []
    original = corpus.extract_quantities

    def counted(text: str, *, doc_year: int | None = None) -> pd.DataFrame:
        years.append(doc_year)
        return original(text, doc_year=doc_year)

    monkeypatch.setattr(corpus, "extract_quantities", counted)
    assert corpus.refresh(store, workers=1) == 4
    assert len(years) == 4 and 2030 in years  # the corrected year dates its targets
    row = store.documents().set_index("doc_id").loc[doc_id]
    assert (row["city"], row["year"]) == ("测试市", 2030)
    assert set(store.evidence(doc_id)["field"]) >= {"province", "city", "year"}


def test_new_segmentation_code_recounts_tokens_only(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = store.token_counts().sort_values(["doc_id", "term"]).reset_index(drop=True)
    monkeypatch.setattr(corpus, "stage_versions", lambda: _changed("seg"))
    _forbid(monkeypatch, cleaning, "clean_text")
    _forbid(monkeypatch, corpus.metadata, "detect_metadata")
    _forbid(monkeypatch, corpus, "extract_quantities")
    assert corpus.refresh(store, workers=1) == 4
    again = store.token_counts().sort_values(["doc_id", "term"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(again, counts)
    docs = store.documents()
    from analysis import keywords

    assert len(keywords.keyword_frequencies(store, docs, stopwords=set(), top=5)) == 5


def _codes(store: Store) -> tuple[pd.DataFrame, pd.DataFrame]:
    from analysis import profiles

    ids = store.documents()["doc_id"].tolist()
    return profiles.stored_theme_hits(store, ids), profiles.stored_codes(store, ids)


def _only_codes_may_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cleaning, metadata detection and extraction fail if called; no token counting."""
    _forbid(monkeypatch, cleaning, "clean_text")
    _forbid(monkeypatch, corpus.metadata, "detect_metadata")
    _forbid(monkeypatch, corpus, "extract_quantities")
    monkeypatch.setattr(corpus, "token_counter_for", lambda store: None)


def test_new_codebooks_recode_only(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    hits, coded = _codes(store)
    assert len(hits) and len(coded)
    quantities = store.quantities()
    monkeypatch.setattr(corpus, "stage_versions", lambda: _changed("code"))
    _only_codes_may_run(monkeypatch)
    assert corpus.refresh(store, workers=1) == 4
    again_hits, again_coded = _codes(store)
    pd.testing.assert_frame_equal(again_hits, hits)  # same codebooks, same rows, once each
    pd.testing.assert_frame_equal(again_coded, coded)
    pd.testing.assert_frame_equal(store.quantities(), quantities)


def test_a_store_from_before_stored_codes_gains_them_alone(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    hits, coded = _codes(store)
    with store.reader() as con:  # as a store written before the `code` stage existed
        con.execute("DELETE FROM theme_hits")
        con.execute("DELETE FROM instrument_codes")
        con.execute("UPDATE documents SET pipeline = regexp_replace(pipeline, ';code=.*$', '')")
    _only_codes_may_run(monkeypatch)
    assert corpus.refresh(store, workers=1) == 4
    again_hits, again_coded = _codes(store)
    pd.testing.assert_frame_equal(again_hits, hits)
    pd.testing.assert_frame_equal(again_coded, coded)


def test_a_store_held_by_another_program_is_a_clear_error(tmp_path: Path) -> None:
    from analysis.store import StoreBusy

    path = tmp_path / "held.duckdb"
    Store(path).documents()
    holder = subprocess.Popen(  # another program keeping the file open, as the dashboard does
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r});"
            " print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreBusy, match="正被另一个程序"):
            Store(path, busy_wait=0.5)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert Store(path).documents().empty  # free again once the other program is gone


def test_the_command_line_writes_while_the_dashboard_is_open(tmp_path: Path) -> None:
    """The dashboard keeps its connection only during a page run; a `set` from the command
    line goes through between runs, and one that arrives during a run waits for it."""
    from analysis.corpus import open_corpus

    path = tmp_path / "shared.duckdb"
    dashboard = open_corpus(path, keep_open=True)
    doc_id = dashboard.documents()["doc_id"].iloc[0]
    with dashboard.in_use():
        dashboard.documents()
    command = [sys.executable, "-m", "analysis", "set", doc_id, "city=合肥市", "--store", str(path)]
    between = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert between.returncode == 0, between.stderr

    waiting = subprocess.Popen(
        [*command[:5], "city=芜湖市", *command[6:]],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    with dashboard.in_use():  # a page run holding the store until the command line waits
        dashboard.documents()
        assert waiting.stderr is not None
        assert "等待" in waiting.stderr.readline()
    assert waiting.wait(timeout=60) == 0, waiting.stderr.read()
    assert dashboard.documents().set_index("doc_id").loc[doc_id, "city"] == "芜湖市"


def _opens_during_ingest(folder: Path, path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    store = Store(path)
    opens = [0]
    real = Store._open

    def counting(self: Store) -> object:
        opens[0] += 1
        return real(self)

    with monkeypatch.context() as patch:
        patch.setattr(Store, "_open", counting)
        corpus.ingest_paths(store, [folder], workers=1)
    assert len(store.documents()) == 6
    return opens[0]


def test_an_ingest_keeps_one_connection_across_its_batches_and_lets_it_go_after_a_while(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus, "BATCH_DOCS", 2)  # six files: three batches
    folder = tmp_path / "six"
    for i in range(6):
        _write(folder, f"f{i}.txt", f"第{i}号文件。西安市汽车产业大会召开。")
    held = _opens_during_ingest(folder, tmp_path / "held.duckdb", monkeypatch)
    monkeypatch.setattr(corpus, "HOLD_SECONDS", 0.0)
    let_go = _opens_during_ingest(folder, tmp_path / "let-go.duckdb", monkeypatch)
    assert let_go == held + 2  # one connection for the three batches, or one each
