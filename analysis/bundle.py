"""Files that stand on their own: a ZIP per view and one offline HTML report.

The ZIP holds every chart (PNG, SVG, HTML), the data behind every chart and table (CSV,
and one XLSX with a sheet each) and `settings.json`, so a figure can be reproduced. The
report inlines plotly.js once and every chart and table of the chosen views.
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

from analysis import export
from analysis.views import View

REPORT_TABLE_ROWS = 200
_CONFIG = {"displaylogo": False}
Progress = Callable[[int, int, str], None]


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name).strip("_") or "x"


def view_files(
    view: View, formats: Iterable[str], *, progress: Progress | None = None
) -> dict[str, bytes]:
    """File name -> bytes for the given formats (png, svg, html for charts; csv, xlsx)."""
    formats = set(formats)
    images = formats & {"png", "svg"}
    if images and export.image_export_problem():
        raise RuntimeError(export.image_export_problem())
    jobs: list[tuple[str, Callable[[], bytes]]] = []
    for name, figure in view.figures.items():
        stem = _safe_name(name)
        for fmt in sorted(images):
            jobs.append((f"{stem}.{fmt}", lambda f=figure, x=fmt: export.figure_image(f, x)))
        if "html" in formats:
            jobs.append((f"{stem}.html", lambda f=figure: export.figure_html(f)))
    if "csv" in formats:
        for name, table in view.tables.items():
            jobs.append((f"{_safe_name(name)}.csv", lambda t=table: export.table_csv(t)))
    if "xlsx" in formats and view.tables:
        jobs.append((f"{_safe_name(view.title)}.xlsx", lambda: export.tables_xlsx(view.tables)))
    files: dict[str, bytes] = {}
    for done, (name, make) in enumerate(jobs, start=1):
        files[name] = make()
        if progress:
            progress(done, len(jobs), name)
    return files


def bundle_zip(
    views: Sequence[View], settings: dict[str, object], *, progress: Progress | None = None
) -> bytes:
    """One ZIP: a folder per view with its charts and data, and settings.json at the top."""
    formats = ["html", "csv", "xlsx"]
    if not export.image_export_problem():
        formats += ["png", "svg"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for view in views:
            for name, data in view_files(view, formats, progress=progress).items():
                archive.writestr(f"{_safe_name(view.title)}/{name}", data)
        archive.writestr(
            "settings.json", json.dumps(settings, ensure_ascii=False, indent=2, default=str)
        )
        if export.image_export_problem():
            archive.writestr("README.txt", f"未包含 PNG/SVG：{export.image_export_problem()}\n")
    return buffer.getvalue()


def report_html(views: Sequence[View], settings: dict[str, object]) -> bytes:
    """One self-contained page: plotly.js inlined once, every chart and table, offline."""
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        "<title>PolicyLens 报告</title>",
        f"<script>{_plotly_js()}</script>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>PolicyLens 汽车产业政策文本分析报告</h1>",
        f"<p class='meta'>范围：{html.escape(str(settings.get('selection', '')))}<br>"
        f"生成于 {html.escape(str(settings.get('created', '')))} · "
        f"程序版本 {html.escape(str(settings.get('program_version', '')))}</p>",
    ]
    for view in views:
        parts.append(f"<h2>{html.escape(view.title)}</h2>")
        parts += [f"<p class='note'>{html.escape(n)}</p>" for n in view.notes]
        for figure in view.figures.values():
            parts.append(
                figure.to_html(
                    full_html=False, include_plotlyjs=False, config={"displaylogo": False}
                )
            )
        for name, table in view.tables.items():
            parts.append(_table_html(name, table))
    parts.append(
        "<h2>设置</h2><pre>"
        + html.escape(json.dumps(settings, ensure_ascii=False, indent=2, default=str))
        + "</pre></body></html>"
    )
    return "\n".join(parts).encode("utf-8")


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _table_html(name: str, table: pd.DataFrame) -> str:
    shown = table.head(REPORT_TABLE_ROWS)
    more = (
        f"<p class='note'>共 {len(table):,} 行，此处显示前 {REPORT_TABLE_ROWS} 行；"
        "完整数据见导出的 CSV/XLSX。</p>"
        if len(table) > REPORT_TABLE_ROWS
        else ""
    )
    body = shown.to_html(index=False, escape=True, na_rep="", border=0, classes="data")
    return f"<h3>{html.escape(name)}</h3>{more}<div class='scroll'>{body}</div>"


def write_view_files(view: View, formats: Iterable[str], folder: Path) -> list[Path]:
    """The CLI's png/svg/html/csv/xlsx: one file per chart or table into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in view_files(view, formats).items():
        path = folder / name
        path.write_bytes(data)
        written.append(path)
    return written


_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       max-width: 1240px; margin: 2em auto; color: #222; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #2f6db5; padding-bottom: .2em;
     margin-top: 2em; } h3 { font-size: 1.05em; margin-top: 1.5em; }
.meta, .note { color: #555; font-size: .9em; }
.scroll { max-height: 480px; overflow: auto; border: 1px solid #ddd; }
table.data { border-collapse: collapse; font-size: .85em; width: 100%; }
table.data th { position: sticky; top: 0; background: #f3f5f8; }
table.data th, table.data td { border-bottom: 1px solid #e5e5e5; padding: 3px 6px;
     text-align: left; vertical-align: top; }
pre { background: #f6f6f6; padding: 1em; overflow: auto; font-size: .8em; }
"""
