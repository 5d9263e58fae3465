"""Why a store file cannot be used, as errors a user can act on (one line each).

The command line returns each error's `exit_code`; the pages show its message.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from analysis.errors import PolicyLensError


class StoreUnavailable(PolicyLensError):
    """The store file cannot be used; `code` says why (busy, not_a_file, corrupt,
    read_only, too_new)
    and `exit_code` is what the command line returns for it.
    """

    code = "unavailable"
    exit_code = 4

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"文档库 {path}：{message}")
        self.path = path


class StoreBusy(StoreUnavailable):
    """Another program holds the store file open for writing."""

    code = "busy"
    exit_code = 3


class StoreNotAFile(StoreUnavailable):
    code = "not_a_file"


class StoreCorrupt(StoreUnavailable):
    code = "corrupt"


class StoreReadOnly(StoreUnavailable):
    code = "read_only"


class StoreTooNew(StoreUnavailable):
    """The store was written by a newer PolicyLens whose tables this code cannot know."""

    code = "too_new"

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            path,
            f"由更新版本的 PolicyLens 创建（文档库结构版本 {found}，本程序只认识到 {known}）；"
            "请升级 PolicyLens 后再打开，或用 --store 指定另一个文件。",
        )
        self.found = found
        self.known = known


NOT_A_FILE = "不是普通文件（文件夹或设备）；请用 --store 指定一个 .duckdb 文件的路径。"
CORRUPT = (
    "不是 PolicyLens 文档库，或文件已损坏；请换一个 --store 路径，或备份后删除该文件重新导入。"
)
READ_ONLY = "无法写入（只读文件或目录）；请检查权限，或用 --store 指定可写的位置。"
MISSING = "不存在；请先导入文档（python -m analysis ingest …）或检查 --store 路径。"
BUSY = "正被另一个程序（如正在运行的仪表盘）占用；请先关闭它，或用 --store 指定另一个文件。"


def check_path(path: Path, *, write: bool = True) -> None:
    """Refuse, before DuckDB touches it, a path that can never be a store (for reading
    only, an existing file that is not writable is fine).
    """
    if path.exists() and not path.is_file():
        raise StoreNotAFile(path, NOT_A_FILE)
    if not write:
        if not path.exists():
            raise StoreCorrupt(path, MISSING)
        return
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreReadOnly(path, READ_ONLY)
    if not path.exists() and not os.access(path.parent, os.W_OK):
        raise StoreReadOnly(path, READ_ONLY)


def translated(path: Path, exc: duckdb.Error) -> StoreUnavailable:
    """DuckDB's own error, as one line a user can act on."""
    text = str(exc).lower()
    if "lock" in text:
        return StoreBusy(path, BUSY)
    if "read-only" in text or "read only" in text or "permission" in text:
        return StoreReadOnly(path, READ_ONLY)
    return StoreCorrupt(path, CORRUPT)
