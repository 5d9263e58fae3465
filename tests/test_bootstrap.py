"""scripts/bootstrap.sh: prints the port it really uses, installs only when pyproject changed.

Runs the script against a stand-in virtual environment whose `python` and `streamlit`
record their arguments, so nothing is installed or started.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

FAKE = '#!/usr/bin/env bash\necho "$(basename "$0") $*" >> "$(dirname "$0")/calls.log"\n'


@pytest.fixture
def venv(tmp_path: Path) -> Path:
    folder = tmp_path / "venv"
    (folder / "bin").mkdir(parents=True)
    for tool in ("python", "streamlit"):
        (folder / "bin" / tool).write_text(FAKE, encoding="utf-8")
        (folder / "bin" / tool).chmod(0o755)
    return folder


def _bootstrap(venv: Path, *args: str, port: str = "8555") -> str:
    env = {
        **os.environ,
        "POLICYLENS_VENV": str(venv),
        "POLICYLENS_NO_SYSTEM_PACKAGES": "1",
        "PORT": port,
    }
    done = subprocess.run(
        ["bash", "scripts/bootstrap.sh", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _calls(venv: Path) -> str:
    log = venv / "bin" / "calls.log"
    return log.read_text(encoding="utf-8") if log.exists() else ""


def test_run_prints_the_port_given_on_the_command_line(venv: Path) -> None:
    out = _bootstrap(venv, "run", "--server.port", "8999")
    assert "http://localhost:8999" in out
    assert "--server.port 8999" in _calls(venv)


def test_run_prints_the_port_from_the_environment(venv: Path) -> None:
    assert "http://localhost:8556" in _bootstrap(venv, "run", port="8556")


def test_install_runs_once_until_pyproject_changes(venv: Path) -> None:
    _bootstrap(venv, "run")
    assert "pip install --quiet -e ." in _calls(venv)
    (venv / "bin" / "calls.log").unlink()
    _bootstrap(venv, "run")
    assert "pip install" not in _calls(venv)  # nothing changed: no reinstall
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    assert (venv / ".policylens-install").read_text().split() == [digest]
    (venv / ".policylens-install").write_text("an older pyproject\n")
    _bootstrap(venv, "run")
    assert "pip install --quiet -e ." in _calls(venv)
