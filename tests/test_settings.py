"""Settings are declared once (analysis/settings.py) and the README lists every one."""

from __future__ import annotations

import re

from analysis.settings import SETTINGS

from .conftest import ROOT

# How code and scripts name an environment variable they read.
READ_PATTERNS = (
    re.compile(r"environ(?:\.get)?\(\s*\"([A-Z][A-Z0-9_]+)\""),
    re.compile(r"environ\[\"([A-Z][A-Z0-9_]+)\"\]"),
    re.compile(r"getenv\(\s*\"([A-Z][A-Z0-9_]+)\""),
    re.compile(r"_ENV: Final = \"([A-Z][A-Z0-9_]+)\""),
    re.compile(r"\$\{([A-Z][A-Z0-9_]+)[:}]"),
)
SOURCES = ["analysis/*.py", "pages/*.py", "dashboard.py", "bench/*.py", "scripts/*.sh", ".ci/run"]
SOURCES += ["tests/conftest.py"]


def _names_read() -> set[str]:
    found: set[str] = set()
    for pattern in SOURCES:
        for path in ROOT.glob(pattern):
            text = path.read_text(encoding="utf-8")
            for rx in READ_PATTERNS:
                found |= set(rx.findall(text))
    return found


def test_every_variable_the_code_reads_is_declared() -> None:
    read = _names_read()
    assert {"POLICYLENS_STORE", "POLICYLENS_FONT", "PORT"} <= read  # the scan finds reads
    assert read <= {s.name for s in SETTINGS}, read - {s.name for s in SETTINGS}


def test_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in section]
    assert not missing, f"README's Settings section does not list {missing}"
