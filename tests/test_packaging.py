"""A wheel built from the project works outside the checkout.

Builds the wheel from a copy of the project, installs it into a fresh virtual environment
in an empty folder, and runs the command line and the dashboard from there. The fresh
environment borrows this interpreter's dependencies through a .pth file (no network, no
reinstall of Streamlit), so only the package itself comes from the wheel.
"""

from __future__ import annotations

import os
import shutil
import signal
import site
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow
PIP_WHEEL = (sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation")
IGNORED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "artifacts",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.duckdb*",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
)


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """stdout of a command that must succeed (stderr shown when it does not)."""
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(python of a fresh venv holding only the wheel, an empty folder, its environment)."""
    import setuptools

    if tuple(int(p) for p in setuptools.__version__.split(".")[:2]) < (77, 0):
        pytest.skip("building the wheel needs setuptools>=77 (pip install -e '.[test]')")
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    build = subprocess.run(
        [*PIP_WHEEL, "-w", str(tmp / "dist"), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
    )
    log = build.stdout + build.stderr
    assert build.returncode == 0, log
    assert "BuildBackendWarning" not in log and "SetuptoolsDeprecationWarning" not in log, log
    wheel = next((tmp / "dist").glob("policylens-*.whl"))
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", wheel, cwd=tmp)
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp)
    (Path(purelib.strip()) / "_borrowed_dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    empty = tmp / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["POLICYLENS_STORE"] = str(tmp / "store.duckdb")
    env["HOME"] = str(tmp)
    return python, empty, env


def test_the_installed_package_comes_from_the_wheel(installed) -> None:
    python, empty, env = installed
    where = _run(python, "-c", "import analysis; print(analysis.__file__)", cwd=empty, env=env)
    assert str(python.parents[1]) in where, where


def test_docs_lists_the_seeds_outside_the_checkout(installed) -> None:
    python, empty, env = installed
    out = _run(python, "-m", "analysis", "docs", "--format", "csv", cwd=empty, env=env)
    sources = sorted(line.split(",")[1][:3] for line in out.strip().splitlines()[1:])
    assert sources == ["000", "001", "002", "003"]
    assert list(empty.iterdir()) == []  # nothing written into the working folder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_dashboard_starts_and_answers_its_health_check(installed) -> None:
    python, empty, env = installed
    port = _free_port()
    server = subprocess.Popen(
        [
            str(python.parent / "policylens-dashboard"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ],
        cwd=empty,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline, answer = time.monotonic() + 90, ""
        while time.monotonic() < deadline and not answer:
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            try:
                url = f"http://127.0.0.1:{port}/_stcore/health"
                with urllib.request.urlopen(url, timeout=2) as response:
                    answer = response.read().decode()
            except OSError:
                time.sleep(0.5)
        assert answer == "ok"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
