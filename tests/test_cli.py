from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.types import DOC_COLUMNS

from .conftest import ROOT


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.duckdb"
    monkeypatch.setenv("POLICYLENS_STORE", str(path))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_docs_csv_lists_the_seeds_with_the_documented_columns(store_path, capsys) -> None:
    code, out, _ = run(capsys, "docs", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == list(DOC_COLUMNS)
    assert sorted(r["source"][:3] for r in rows) == ["000", "001", "002", "003"]
    assert {r["province"] for r in rows} == {"陕西省", "安徽省", "湖北省", "广东省"}


def test_docs_filters_by_region_and_year(store_path, capsys) -> None:
    _, out, _ = run(capsys, "docs", "--format", "json", "--region", "湖北省")
    assert [d["city"] for d in json.loads(out)] == ["武汉市"]
    _, out, _ = run(capsys, "docs", "--format", "json", "--year-from", "2023", "--year-to", "2023")
    assert sorted(d["source"][:3] for d in json.loads(out)) == ["002", "003"]


def test_region_national_filters_national_documents(store_path, tmp_path, capsys) -> None:
    folder = tmp_path / "national"
    folder.mkdir()
    (folder / "1986_国务院政府工作报告.txt").write_text(
        "各位代表：\n现在，我代表国务院，作关于第七个五年计划的报告，请大会审议。\n"
        "到1990年，国民生产总值要达到一万一千一百七十亿元，平均每年增长百分之七点五。\n",
        encoding="utf-8",
    )
    assert run(capsys, "ingest", str(folder))[0] == 0
    _, out, _ = run(capsys, "docs", "--format", "json", "--region", "全国")
    assert [d["source"] for d in json.loads(out)] == ["1986_国务院政府工作报告.txt"]
    _, out, _ = run(capsys, "targets", "--format", "json", "--region", "全国")
    rows = json.loads(out)
    assert rows and {r["province"] for r in rows} == {"全国"}
    assert 7.5 in {r["value"] for r in rows}


def test_ingest_reports_each_file_and_exits_2_on_rejection(store_path, tmp_path, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(
        "武汉经开区召开汽车产业推进会，建设世界车谷。", encoding="gb18030"
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blob.txt").write_bytes(bytes(range(256)) * 8)
    code, out, _ = run(capsys, "ingest", str(folder), "--format", "csv")
    rows = {r["source"]: r for r in csv.DictReader(io.StringIO(out))}
    assert code == 2
    assert rows["good.txt"]["status"] == "added"
    assert rows["empty.txt"]["status"] == "rejected" and rows["empty.txt"]["reason"]
    assert rows["blob.txt"]["status"] == "rejected"
    code, out, _ = run(capsys, "ingest", str(folder / "good.txt"), "--format", "csv")
    assert code == 0
    assert "skipped" in out
    _, out, _ = run(capsys, "docs", "--format", "csv")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 5


def test_text_and_set(store_path, capsys) -> None:
    _, out, _ = run(capsys, "docs", "--format", "json")
    doc = next(d for d in json.loads(out) if d["source"].startswith("003"))
    _, clean, _ = run(capsys, "text", doc["doc_id"])
    _, raw, _ = run(capsys, "text", doc["doc_id"], "--raw")
    assert "讲 话" in raw and "讲 话" not in clean
    code, _, _ = run(capsys, "set", doc["doc_id"], "district=海珠区", "year=2023")
    assert code == 0
    _, out, _ = run(capsys, "docs", "--format", "json")
    doc = next(d for d in json.loads(out) if d["doc_id"] == doc["doc_id"])
    assert doc["district"] == "海珠区"


def test_errors_are_one_sentence_not_a_traceback(store_path, capsys) -> None:
    code, _, err = run(capsys, "text", "nonexistent")
    assert code == 1
    assert err.startswith("错误：") and "Traceback" not in err
    code, _, err = run(capsys, "set", "nonexistent", "year=2020")
    assert code == 1


def test_python_dash_m_analysis_runs(store_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "docs", "--format", "csv", "--store", str(store_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    assert result.stdout.splitlines()[0] == ",".join(DOC_COLUMNS)


def test_analysis_never_imports_streamlit() -> None:
    code = (
        "import sys, pkgutil, importlib, analysis\n"
        "for m in pkgutil.iter_modules(analysis.__path__):\n"
        "    if m.name != '__main__':\n"
        "        importlib.import_module('analysis.' + m.name)\n"
        "print('streamlit' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_targets_lists_the_2025_speech_targets(store_path, capsys) -> None:
    code, out, _ = run(
        capsys, "targets", "--region", "安徽省", "--kind", "target", "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == [
        "doc_id",
        "source",
        "province",
        "city",
        "year",
        "deadline",
        "horizon",
        "metric",
        "family",
        "value",
        "value_high",
        "unit",
        "comparator",
        "kind",
        "scale",
        "raw",
        "sentence",
        "start",
        "end",
        "canonical_metric",
        "metric_words",
    ]
    assert {r["kind"] for r in rows} == {"target"}
    by_metric = {r["metric"]: r for r in rows}
    battery = by_metric["动力电池本地配套率"]
    assert (
        float(battery["value"]),
        battery["unit"],
        battery["comparator"],
        battery["deadline"],
    ) == (
        80.0,
        "%",
        ">=",
        "2025",
    )
    assert float(by_metric["整车年产能"]["value"]) == 2_000_000


def test_targets_of_the_district_review_speech_are_none(store_path, capsys) -> None:
    _, out, _ = run(capsys, "targets", "--region", "广东省", "--kind", "target", "--format", "json")
    assert json.loads(out) == []


def test_keywords_columns_and_grouping(store_path, capsys) -> None:
    code, out, _ = run(capsys, "keywords", "--top", "5", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == ["group", "term", "count", "per_10k", "docs"]
    assert len(rows) == 5 and {r["group"] for r in rows} == {""}
    _, out, _ = run(capsys, "keywords", "--by", "region", "--top", "3", "--format", "csv")
    groups = {r["group"] for r in csv.DictReader(io.StringIO(out))}
    assert groups == {"陕西省 西安市", "安徽省 合肥市", "湖北省 武汉市", "广东省 广州市"}


@pytest.mark.parametrize("by", [[], ["--by", "region"], ["--by", "doc"]])
def test_keywords_of_a_type_the_store_lacks_is_an_empty_table(by, store_path, capsys) -> None:
    code, out, err = run(capsys, "keywords", "--doc-type", "work_report", *by, "--format", "csv")
    assert code == 0, err
    assert out.splitlines() == ["group,term,count,per_10k,docs"]
    code, out, _ = run(capsys, "keywords", "--doc-type", "work_report", *by)
    assert code == 0 and out.strip() == "（无结果）"


def test_distinctive_terms_of_wuhan(store_path, capsys) -> None:
    code, out, _ = run(capsys, "distinctive", "--by", "region", "--top", "10", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert list(rows[0]) == ["group", "term", "z", "count", "count_other"]
    wuhan = [r["term"] for r in rows if r["group"] == "湖北省 武汉市"]
    assert "世界车谷" in wuhan or "车谷" in wuhan


def test_kwic_lines_match_the_text(store_path, capsys) -> None:
    _, out, _ = run(capsys, "kwic", "换电站", "--width", "8", "--format", "json")
    lines = json.loads(out)
    assert len(lines) >= 2
    assert list(lines[0]) == [
        "doc_id",
        "source",
        "province",
        "city",
        "year",
        "left",
        "term",
        "right",
    ]
    _, text, _ = run(capsys, "text", lines[0]["doc_id"])
    for line in lines:
        assert line["year"] == 2025
        assert line["left"] + line["term"] + line["right"] in text


def test_segment_keeps_domain_terms_whole(store_path, capsys) -> None:
    _, out, _ = run(capsys, "segment", "加快补链强链，发展车规级芯片和固态电池")
    assert out.split() == ["加快", "补链强链", "，", "发展", "车规级芯片", "和", "固态电池"]


def test_export_store_writes_parquet_partitioned_by_province_and_year(
    store_path, tmp_path, capsys
) -> None:
    import duckdb

    target = tmp_path / "export"
    for _ in range(2):  # a second export replaces the first
        code, out, err = run(capsys, "export-store", str(target), "--format", "json")
        assert code == 0, err
    report = {row["table"]: row["rows"] for row in json.loads(out)}
    con = duckdb.connect()
    docs = con.execute(
        f"SELECT province, year, doc_id FROM read_parquet('{target}/documents/**/*.parquet',"
        " hive_partitioning = true) ORDER BY doc_id"
    ).df()
    assert len(docs) == report["documents"] == 4
    assert set(docs["province"]) == {"陕西省", "安徽省", "湖北省", "广东省"}
    counts = con.execute(
        f"SELECT count(*) FROM read_parquet('{target}/token_counts/**/*.parquet')"
    ).fetchone()[0]
    assert counts == report["token_counts"] > 1000
    code, out, _ = run(capsys, "keywords", "--region", "湖北省", "--format", "json")
    assert code == 0 and json.loads(out)


def _folder_with_notes(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    (folder / "derived").mkdir(parents=True)
    (folder / "README.md").write_text(
        "# 说明\n2020年上海市政府工作报告共四项。\n", encoding="utf-8"
    )
    (folder / "derived" / "index.csv").write_text("file,x\na,1\n", encoding="utf-8")
    (folder / "xy.txt").write_text(
        "襄阳市召开汽车产业推进会。到2027年，力争新能源汽车产量突破50万辆。\n", encoding="utf-8"
    )
    return folder


def test_ingest_excludes_globs_and_applies_a_metadata_sidecar(store_path, capsys, tmp_path) -> None:
    folder = _folder_with_notes(tmp_path)
    sidecar = tmp_path / "meta.csv"
    sidecar.write_text(
        "file,title,province,city,year,doc_type\nxy.txt,襄阳推进会,湖北省,襄阳市,２０２４,speech\n",
        encoding="utf-8",
    )
    args = ("ingest", str(folder), "--exclude", "README*", "--exclude", "*/derived/*")
    code, out, _ = run(capsys, *args, "--metadata", str(sidecar), "--dry-run", "--format", "csv")
    plan = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert {r["file"]: r["status"] for r in plan} == {
        "README.md": "excluded",
        "index.csv": "excluded",
        "xy.txt": "ingest",
    }
    code, out, _ = run(capsys, "docs", "--format", "csv")
    assert "xy.txt" not in out  # the dry run wrote nothing
    code, out, _ = run(capsys, *args, "--metadata", str(sidecar), "--format", "csv")
    assert code == 0 and [r["source"] for r in csv.DictReader(io.StringIO(out))] == ["xy.txt"]
    code, out, _ = run(capsys, "docs", "--format", "csv")
    row = next(r for r in csv.DictReader(io.StringIO(out)) if r["source"] == "xy.txt")
    assert (row["title"], row["city"], row["year"], row["doc_type"]) == (
        "襄阳推进会",
        "襄阳市",
        "2024",  # full-width digits normalised like a correction
        "speech",
    )


def test_a_bad_metadata_sidecar_is_refused_before_anything_is_read(store_path, capsys, tmp_path):
    folder = _folder_with_notes(tmp_path)
    sidecar = tmp_path / "meta.csv"
    sidecar.write_text("file,year\nxy.txt,二〇二五年十十月\n", encoding="utf-8")
    code, out, err = run(capsys, "ingest", str(folder), "--metadata", str(sidecar))
    assert code == 1 and "meta.csv" in err and "xy.txt" in err and "Traceback" not in err
    code, out, _ = run(capsys, "docs", "--format", "csv")
    assert "xy.txt" not in out


NOT_A_STORE = b"just some notes, not a database\n" * 50


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (lambda tmp: _folder(tmp / "a-folder"), 4, "不是普通文件"),
        (lambda tmp: Path("/dev/null"), 4, "不是普通文件"),
        (lambda tmp: _write(tmp / "notes.duckdb", NOT_A_STORE), 4, "损坏"),
        (lambda tmp: _write(tmp / "cut.duckdb", _truncated_store(tmp)), 4, "损坏"),
    ],
    ids=["folder", "dev-null", "not-a-store", "truncated"],
)
def test_an_unusable_store_is_one_clear_line_and_is_left_as_it_was(tmp_path, make, code, words):
    path = make(tmp_path)
    before = path.read_bytes() if path.is_file() else None
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "docs", "--store", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode == code, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    if before is not None:
        assert path.read_bytes() == before  # nothing written over the user's file


def _folder(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated_store(tmp: Path) -> bytes:
    """A real store cut short, as a copy interrupted halfway leaves it."""
    from analysis.store import Store

    whole = tmp / "whole.duckdb"
    Store(whole).close()
    data = whole.read_bytes()
    return data[: len(data) // 3]


HOLD = "import duckdb, time; c = duckdb.connect({path!r}); print('ok', flush=True); time.sleep(60)"


def test_a_busy_store_exits_with_3(tmp_path) -> None:
    import duckdb

    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            HOLD.format(path=str(path)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        result = subprocess.run(
            [sys.executable, "-m", "analysis", "docs", "--store", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 3 and "占用" in result.stderr and "Traceback" not in result.stderr
    assert duckdb.__version__  # the holder was a real DuckDB connection


def test_build_parts_then_merge_parts(store_path, tmp_path, capsys) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}_长春.txt").write_text(
            f"长春市汽车产业推进会第{n}次会议\n力争到2027年整车产能达到{300 + n}万辆。",
            encoding="utf-8",
        )
    parts = tmp_path / "parts"
    code, out, _ = run(
        capsys,
        "build-parts",
        str(folder),
        "--out",
        str(parts),
        "--files-per-part",
        "2",
        "--scheduler",
        "synchronous",
        "--format",
        "csv",
    )
    assert code == 0 and out.count(",added,") == 3
    assert len(list(parts.glob("part-*.duckdb"))) == 2
    code, out, _ = run(capsys, "merge-parts", str(parts), "--format", "json")
    assert code == 0 and sum(r["added"] for r in json.loads(out)) == 3
    _, out, _ = run(capsys, "docs", "--format", "json", "--region", "长春市")
    assert len(json.loads(out)) == 3
