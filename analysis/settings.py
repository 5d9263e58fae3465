"""Every environment variable PolicyLens reads, declared once: name, default and meaning.

Code that reads a setting names it here first; tests/test_settings.py checks that every
variable the code and the scripts read is declared, and that README.md lists them all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final, Literal


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str  # as the README shows it; "" when unset means "not set"
    help: str
    scope: Literal["app", "scripts", "tests"]

    def value(self) -> str | None:
        """The variable's value, or None when it is unset or blank."""
        return os.environ.get(self.name, "").strip() or None


SETTINGS: Final[tuple[Setting, ...]] = (
    Setting(
        "POLICYLENS_STORE",
        "~/.local/share/policylens/corpus.duckdb",
        "the DuckDB file holding the corpus (`--store` overrides it on the command line)",
        "app",
    ),
    Setting(
        "POLICYLENS_FONT",
        "found at run time (WenQuanYi Micro Hei, Noto Sans CJK, …)",
        "a .ttf/.ttc/.otf font with Chinese glyphs for word clouds",
        "app",
    ),
    Setting(
        "BROWSER_PATH",
        "found at run time (chromium, google-chrome)",
        "the Chromium that renders PNG/SVG chart downloads",
        "app",
    ),
    Setting(
        "POLICYLENS_METRIC_CATALOGUE",
        "unset",
        "a TOML file of further `[[metric]]` blocks added to the canonical metric catalogue",
        "app",
    ),
    Setting(
        "POLICYLENS_CACHE_DIR",
        "~/.cache/policylens",
        "where the thinned map boundaries are kept between runs",
        "app",
    ),
    Setting("PORT", "8501", "the dashboard's port for `bootstrap.sh run`", "scripts"),
    Setting("POLICYLENS_VENV", ".venv", "the virtual environment `bootstrap.sh` uses", "scripts"),
    Setting(
        "POLICYLENS_NO_SYSTEM_PACKAGES",
        "unset",
        "set to skip `bootstrap.sh`'s apt-get of the CJK font and Chromium",
        "scripts",
    ),
    Setting(
        "CI", "unset", "`true` in CI: every skipped test fails the run (`.ci/run` sets it)", "tests"
    ),
    Setting(
        "POLICYLENS_ALLOW_SKIPS",
        "unset",
        "set to let tests skip under `CI=true` (a developer without Chromium or ../shared)",
        "tests",
    ),
    Setting(
        "POLICYLENS_CORPUS",
        "../shared/corpus",
        "the real corpus the benchmarks read",
        "tests",
    ),
)
BY_NAME: Final = {s.name: s for s in SETTINGS}


def setting(name: str) -> str | None:
    """The value of a declared setting; KeyError for a name that is not declared.

    >>> setting("POLICYLENS_NOT_A_SETTING")
    Traceback (most recent call last):
    ...
    KeyError: 'POLICYLENS_NOT_A_SETTING'
    """
    return BY_NAME[name].value()
