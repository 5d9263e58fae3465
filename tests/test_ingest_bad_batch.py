"""One ingest with every kind of bad input the probe found: each bad file is rejected by
name with a reason, and every other file goes in."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from analysis.cli import main


def _bad_batch(folder: Path) -> None:
    folder.mkdir()
    (folder / "good.txt").write_text("武汉经开区召开汽车产业推进会，新能源汽车产量达到100万辆。")
    (folder / "date.txt").write_text("二〇二五年十十月一日 召开汽车产业大会。产量达到100万辆。")
    (folder / "numeral.txt").write_text("新能源汽车产量达到" + "三" * 5000 + "万辆。")
    (folder / "cr.csv").write_bytes(
        "full_text,title\r第一篇，汽车。,甲\r第二篇，电池。,乙\r".encode()
    )
    (folder / "long.csv").write_text("full_text\n" + "新能源汽车产量增长。" * 20_000 + "\n")
    with zipfile.ZipFile(folder / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (32 * 1024 * 1024))


def test_a_batch_with_bad_files_ingests_the_good_ones(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("POLICYLENS_STORE", str(tmp_path / "store.duckdb"))
    _bad_batch(tmp_path / "in")
    code = main(["ingest", str(tmp_path / "in"), "--format", "csv"])
    out, err = capsys.readouterr()
    rows = {r["source"]: r for r in csv.DictReader(io.StringIO(out))}
    assert code == 2, err
    assert rows["bomb.docx"]["status"] == "rejected" and rows["bomb.docx"]["reason"]
    added = {s for s, r in rows.items() if r["status"] == "added"}
    assert added == {"good.txt", "date.txt", "numeral.txt", "cr.csv#1", "cr.csv#2", "long.csv"}
    assert "Traceback" not in err
