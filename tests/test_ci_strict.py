"""In CI a skipped test fails the run; a developer can opt out with POLICYLENS_ALLOW_SKIPS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def _run_skipping_test(tmp_path: Path, **env: str) -> int:
    test = tmp_path / "test_skips.py"
    test.write_text(
        "import pytest\n\ndef test_needs_chromium():\n    pytest.skip('no chromium')\n",
        encoding="utf-8",
    )
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "POLICYLENS_ALLOW_SKIPS")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p"]
    done = subprocess.run(
        [*command, "no:cacheprovider", "--rootdir", str(tmp_path), str(test)],
        cwd=tmp_path,
        env={**base, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode


@pytest.mark.parametrize(
    ("env", "code"),
    [
        ({}, 0),  # a developer: a skip is a skip
        ({"CI": "true"}, 1),  # CI: a skip fails the run
        ({"CI": "true", "POLICYLENS_ALLOW_SKIPS": "1"}, 0),  # opted out
    ],
)
def test_skips_fail_only_in_ci(tmp_path: Path, env: dict[str, str], code: int) -> None:
    assert _run_skipping_test(tmp_path, **env) == code
