"""`python -m analysis`: the corpus and every analysis from the command line.

Each command prints one DataFrame as an aligned table, CSV (UTF-8, to stdout) or JSON, so
its output can go straight into a spreadsheet or a script. Errors are one sentence on
stderr saying what is wrong and what to do, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

import pandas as pd

from analysis import corpus
from analysis.errors import PolicyLensError
from analysis.filters import Filters, apply_filters
from analysis.gazetteer import is_municipality
from analysis.national import NATIONAL_REGION
from analysis.store import STORE_ENV, Store, StoreUnavailable

FORMATS: Final = ("table", "csv", "json")
# Commands that write to the store; every other one opens it read-only.
WRITING: Final = frozenset({"ingest", "set", "merge-parts"})
Command = Callable[[argparse.Namespace, Store], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(func: Command) -> Command:
        COMMANDS[name] = func
        return func

    return register


def emit(frame: pd.DataFrame, fmt: str) -> None:
    """Write `frame` to stdout in the chosen format."""
    out = sys.stdout
    if fmt == "csv":
        frame.to_csv(out, index=False, lineterminator="\n")
    elif fmt == "json":
        out.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    elif frame.empty:
        out.write("（无结果）\n")
    else:
        with pd.option_context(
            "display.max_colwidth",
            40,
            "display.width",
            200,
            "display.float_format",
            "{:.12g}".format,
        ):
            out.write(frame.to_string(index=False) + "\n")


def filters_from_args(args: argparse.Namespace) -> Filters:
    regions = tuple(getattr(args, "region", None) or ())
    return Filters(
        provinces=tuple(r for r in regions if not _is_city(r)),
        cities=tuple(r for r in regions if _is_city(r)),
        year_from=getattr(args, "year_from", None),
        year_to=getattr(args, "year_to", None),
        doc_types=tuple(getattr(args, "doc_type", None) or ()),
    )


def _is_city(name: str) -> bool:
    """Province-level names (省, 自治区, 特别行政区, the four municipalities, and 全国 for
    national documents) filter by province; the rest are cities."""
    return not (
        name.endswith(("省", "自治区", "特别行政区"))
        or is_municipality(name)
        or name == NATIONAL_REGION
    )


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        action="append",
        help="省或市全称，可重复：--region 湖北省 --region 合肥市；全国性文件：--region 全国",
    )
    parser.add_argument("--year-from", type=int, dest="year_from")
    parser.add_argument("--year-to", type=int, dest="year_to")
    parser.add_argument(
        "--doc-type",
        action="append",
        dest="doc_type",
        help="speech, meeting_news, plan, work_report, regulation, other",
    )


class ProgressLine:
    """Ingest progress on stderr: files done of total, rate and time left. A terminal gets
    one line redrawn in place (a progress bar); a log gets a plain line every few seconds.
    """

    def __init__(self, label: str, *, every: float = 5.0) -> None:
        self.label = label
        self.every = every
        self.start = time.monotonic()
        self.last = 0.0
        self.tty = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < (0.2 if self.tty else self.every):
            return
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        text = f"{self.label}：{done}/{total} 个文件 · {rate:.1f} 个/秒 · 已用 {elapsed:.0f} 秒"
        if done < total:
            text += f" · 约剩 {left:.0f} 秒"
        if self.tty:
            filled = int(30 * done / max(total, 1))
            bar = "█" * filled + "·" * (30 - filled)
            end = "\n" if done >= total else ""
            sys.stderr.write(f"\r{bar} {text}\033[K{end}")
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()


@command("ingest")
def cmd_ingest(args: argparse.Namespace, store: Store) -> int:
    paths = [Path(p) for p in args.paths]
    exclude = tuple(args.exclude or ())
    known = corpus.read_metadata_csv(args.metadata) if args.metadata else {}
    if args.dry_run:
        emit(corpus.ingest_plan(paths, exclude=exclude, overrides=known), args.format)
        return 0
    outcomes = corpus.ingest_paths(
        store,
        paths,
        overrides=known,
        exclude=exclude,
        progress=ProgressLine("导入"),
        workers=args.workers,
    )
    frame = corpus.outcomes_frame(outcomes)
    emit(frame, args.format)
    return 2 if (frame["status"] == "rejected").any() else 0


@command("docs")
def cmd_docs(args: argparse.Namespace, store: Store) -> int:
    emit(apply_filters(store.documents(), filters_from_args(args)), args.format)
    return 0


@command("text")
def cmd_text(args: argparse.Namespace, store: Store) -> int:
    sys.stdout.write(store.text(args.doc_id, raw=args.raw) + "\n")
    return 0


@command("set")
def cmd_set(args: argparse.Namespace, store: Store) -> int:
    values = {}
    for item in args.assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise PolicyLensError(f"应写成 FIELD=VALUE，例如 city=合肥市；收到 {item!r}")
        values[name.strip()] = value
    corpus.correct_fields(store, args.doc_id, values)
    evidence = store.evidence(args.doc_id)
    emit(evidence[evidence["field"].isin(values)], args.format)
    return 0


def _target_cli_columns() -> list[str]:
    """The documented `targets` columns: document keys, then every record field but `cue`."""
    from analysis.targets import CORPUS_KEY_COLUMNS, TARGET_COLUMNS

    return [*CORPUS_KEY_COLUMNS, *(c for c in TARGET_COLUMNS if c != "cue")]


@command("targets")
def cmd_targets(args: argparse.Namespace, store: Store) -> int:
    from analysis.timelines import select_quantities

    docs = store.documents()
    selected = apply_filters(docs, filters_from_args(args))
    quantities = select_quantities(
        store.quantities(selected["doc_id"].tolist(), documents=docs),
        kinds=tuple(args.kind or ()),
        families=tuple(args.family or ()),
    )
    emit(quantities[_target_cli_columns()], args.format)
    return 0


def _selection(args: argparse.Namespace, store: Store) -> pd.DataFrame:
    """Documents in the filters; their token counts stay in the store and are queried there."""
    return apply_filters(store.documents(), filters_from_args(args))


def _stopwords(store: Store) -> set[str]:
    from analysis.segmentation import stopword_set

    return stopword_set(user=store.user_words("stopword"))


@command("keywords")
def cmd_keywords(args: argparse.Namespace, store: Store) -> int:
    from analysis.keywords import keyword_frequencies

    docs = _selection(args, store)
    table = keyword_frequencies(store, docs, stopwords=_stopwords(store), by=args.by, top=args.top)
    emit(table, args.format)
    return 0


@command("distinctive")
def cmd_distinctive(args: argparse.Namespace, store: Store) -> int:
    from analysis.keywords import distinctive_terms

    docs = _selection(args, store)
    table = distinctive_terms(store, docs, by=args.by, stopwords=_stopwords(store), top=args.top)
    emit(table, args.format)
    return 0


@command("kwic")
def cmd_kwic(args: argparse.Namespace, store: Store) -> int:
    from analysis.keywords import stored_keyword_in_context

    table = stored_keyword_in_context(store, _selection(args, store), args.term, width=args.width)
    emit(
        table[["doc_id", "source", "province", "city", "year", "left", "term", "right"]],
        args.format,
    )
    return 0


@command("export-store")
def cmd_export_store(args: argparse.Namespace, store: Store) -> int:
    emit(store.export_parquet(Path(args.folder)), args.format)
    return 0


@command("build-parts")
def cmd_build_parts(args: argparse.Namespace, store: Store) -> int:
    from analysis import scaleout

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = scaleout.plan_parts(
        [Path(p) for p in args.paths],
        out,
        files_per_part=args.files_per_part,
        exclude=tuple(args.exclude or ()),
        user_words=store.user_words("word"),
    )
    print(f"{len(tasks)} 个分块 → {out}（调度：{args.scheduler}）", file=sys.stderr)
    frame = scaleout.build_parts(tasks, scheduler=args.scheduler)
    emit(frame, args.format)
    return 2 if (frame["status"] == "rejected").any() else 0


@command("merge-parts")
def cmd_merge_parts(args: argparse.Namespace, store: Store) -> int:
    from analysis import scaleout

    emit(scaleout.merge_parts(store, Path(args.folder)), args.format)
    return 0


@command("segment")
def cmd_segment(args: argparse.Namespace, store: Store) -> int:
    sys.stdout.write(" ".join(corpus.segmenter_for(store).cut(args.text)) + "\n")
    return 0


STORE_HELP: Final = f"DuckDB 文件路径（默认取环境变量 {STORE_ENV}，再默认用户数据目录）"


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store",
        type=Path,
        default=None,
        help=STORE_HELP,
    )
    common.add_argument("--format", choices=FORMATS, default="table")

    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="导入文件或文件夹")
    p.add_argument("paths", nargs="+")
    p.add_argument(
        "--workers", type=int, default=None, help="并行处理的进程数（默认：可用的 CPU 核数）"
    )
    p.add_argument(
        "--exclude",
        action="append",
        metavar="GLOB",
        help="跳过文件名或路径匹配的文件，可重复：--exclude 'README*' --exclude '*/derived/*'",
    )
    p.add_argument(
        "--metadata",
        type=Path,
        default=None,
        help="已知元数据表（CSV：file,title,province,city,district,year,date,doc_type,"
        "source_site），作为更正写入",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        dest="dry_run",
        help="只列出将要导入的文件和给定的元数据，不读取也不写入文档库",
    )
    p = sub.add_parser("docs", parents=[common], help="列出文档及元数据")
    add_filter_options(p)
    p = sub.add_parser("text", parents=[common], help="输出文档正文（清洗后或原文）")
    p.add_argument("doc_id")
    p.add_argument("--raw", action="store_true", help="输出原始文本")
    p = sub.add_parser("set", parents=[common], help="更正元数据：set DOC_ID city=合肥市 year=2025")
    p.add_argument("doc_id")
    p.add_argument("assignments", nargs="+", metavar="FIELD=VALUE")
    p = sub.add_parser("targets", parents=[common], help="数量表述：目标、已实现、政策工具、预测")
    add_filter_options(p)
    p.add_argument(
        "--kind", action="append", help="target, achievement, instrument, forecast, other（可重复）"
    )
    p.add_argument(
        "--family",
        action="append",
        help="vehicles, money, share, growth_rate, infrastructure, people ...（可重复）",
    )
    p = sub.add_parser("keywords", parents=[common], help="词频：term, count, per_10k, docs")
    add_filter_options(p)
    p.add_argument("--by", choices=["region", "year", "doc"], default=None)
    p.add_argument("--top", type=int, default=30)
    p = sub.add_parser("distinctive", parents=[common], help="区分性词语（加权对数几率 z 值）")
    add_filter_options(p)
    p.add_argument("--by", choices=["region", "year", "doc_type"], required=True)
    p.add_argument("--top", type=int, default=20)
    p = sub.add_parser("kwic", parents=[common], help="关键词上下文")
    add_filter_options(p)
    p.add_argument("term")
    p.add_argument("--width", type=int, default=20)
    p = sub.add_parser(
        "export-store", parents=[common], help="把各阶段结果导出为按省份、年份分区的 Parquet"
    )
    p.add_argument("folder", metavar="PATH")
    p = sub.add_parser(
        "build-parts",
        parents=[common],
        help="分块导入（Dask，可在集群上运行）：每块写成一个分块库，再用 merge-parts 合并",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--out", required=True, metavar="DIR", help="分块库所在目录（集群上须共享）")
    p.add_argument("--files-per-part", type=int, default=200, dest="files_per_part")
    p.add_argument(
        "--scheduler",
        default="processes",
        help="processes（默认，本机多进程）、threads、synchronous，或集群地址 tcp://host:8786",
    )
    p.add_argument("--exclude", action="append", metavar="GLOB")
    p = sub.add_parser(
        "merge-parts", parents=[common], help="把 build-parts 生成的分块库合并进文档库"
    )
    p.add_argument("folder", metavar="DIR")
    p = sub.add_parser("segment", parents=[common], help="分词：输出以空格分隔的词")
    p.add_argument("text")
    add_export_parser(sub)
    add_regions_commands(sub, common)
    return parser


EXPORT_FORMATS = ("png", "svg", "html", "csv", "xlsx", "zip", "report")


def add_export_parser(sub: argparse._SubParsersAction) -> None:
    store_only = argparse.ArgumentParser(add_help=False)
    store_only.add_argument("--store", type=Path, default=None, help=STORE_HELP)
    p = sub.add_parser(
        "export",
        parents=[store_only],
        help="导出视图：与仪表盘按钮相同的图表、表格、压缩包或 HTML 报告",
    )
    p.add_argument("--view", choices=["overview", "keywords", "targets", "regions"], required=True)
    add_filter_options(p)
    p.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="png/svg/html/csv/xlsx：输出文件夹（每个图表或表格一个文件）；zip/report：输出文件",
    )


@command("export")
def cmd_export(args: argparse.Namespace, store: Store) -> int:
    from analysis.bundle import bundle_zip, report_html, write_view_files
    from analysis.views import BUILDERS, build_view, view_settings

    filters = filters_from_args(args)
    if args.format == "report":
        names = list(BUILDERS)
        views = [build_view(store, name, filters) for name in names]
        settings = view_settings(store, filters, names, {})
        args.out.write_bytes(report_html(views, settings))
        print(args.out)
        return 0
    view = build_view(store, args.view, filters)
    if args.format == "zip":
        settings = view_settings(store, filters, [args.view], {})
        args.out.write_bytes(bundle_zip([view], settings))
        print(args.out)
        return 0
    for path in write_view_files(view, [args.format], args.out):
        print(path)
    return 0


# --------------------------------------------------------------------------- regions
# `compare` and `codebook`: the regions comparison (issue 9), kept in one block.


def add_regions_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "compare", parents=[common], help="分组比较：主题、政策工具、目标、目标实现、相似度"
    )
    add_filter_options(p)
    p.add_argument("--by", choices=["region", "year", "doc_type"], default="region")
    p.add_argument("--level", choices=["province", "city", "district"], default="province")
    p.add_argument(
        "--measure",
        choices=["themes", "instruments", "targets", "attainment", "similarity"],
        required=True,
    )
    p.add_argument("--group", action="append", help="只输出这些组（可重复），默认全部")
    p.add_argument("--themes", default=None, help="自己的主题词表（TOML）")
    p.add_argument("--instruments", default=None, help="自己的政策工具词表（TOML）")
    p = sub.add_parser("codebook", parents=[common], help="输出正在使用的主题或政策工具词表")
    p.add_argument("which", choices=["themes", "instruments"])
    p.add_argument("--file", default=None, help="检查并输出这个词表文件，而不是内置词表")


@command("compare")
def cmd_compare(args: argparse.Namespace, store: Store) -> int:
    from analysis.compare import compare_stored
    from analysis.groups import membership, restrict
    from analysis.instruments import load_instruments
    from analysis.themes import load_themes

    docs = apply_filters(store.documents(), filters_from_args(args))
    members = restrict(membership(docs, by=args.by, level=args.level), args.group or ())
    table = compare_stored(
        args.measure,
        store,
        docs=docs,
        members=members,
        stopwords=_stopwords(store),
        themes=load_themes(args.themes) if args.themes else None,
        instruments=load_instruments(args.instruments) if args.instruments else None,
    )
    emit(table, args.format)
    return 0


@command("codebook")
def cmd_codebook(args: argparse.Namespace, store: Store) -> int:
    from analysis.instruments import load_instruments
    from analysis.themes import load_themes

    book = load_themes(args.file) if args.which == "themes" else load_instruments(args.file)
    emit(book.frame(), args.format)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        store = corpus.open_corpus(
            args.store,
            on_wait=lambda note: print(note, file=sys.stderr),
            read_only=args.command not in WRITING,
        )
        return COMMANDS[args.command](args, store)
    except StoreUnavailable as exc:  # 3: busy, try again later; 4: this path is no store
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except PolicyLensError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `... | head` closed the pipe: not an error
        return 0
