"""Shared fixtures: the bundled seeds in a throw-away store, and the shared test corpus."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests check behaviour, not speed (benchmarks measure that): a loaded CI machine
# must not turn a slow example into a failure.
settings.register_profile("policylens", deadline=None)
settings.load_profile("policylens")

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "seeds"
# The larger real corpus lives beside the project (../shared/corpus); tests skip without it.
CORPUS_DIR = ROOT.parent / "shared" / "corpus"


def seed_path(prefix: str) -> Path:
    """The seed file whose name starts with `prefix` ("000" ... "003")."""
    return next(SEEDS_DIR.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS_DIR.exists():
        pytest.skip(f"shared corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory):
    """A store opened the way the app opens it: seeded from seeds/ on first use."""
    from analysis.corpus import open_corpus

    path = tmp_path_factory.mktemp("store") / "seeds.duckdb"
    return open_corpus(path)


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed store file holding the seeds, built once; copy it before writing to it."""
    from analysis.corpus import open_corpus

    path = tmp_path_factory.mktemp("seeded") / "seeds.duckdb"
    open_corpus(path).close()
    return path


@pytest.fixture
def seeded_copy(seeded_file: Path, tmp_path: Path) -> Path:
    """A fresh copy of `seeded_file` for one test to change."""
    path = tmp_path / "store.duckdb"
    shutil.copy(seeded_file, path)
    return path


# In CI every skip is a failure: a green run must mean the browser test, the packaging test
# and the labelled sets all ran. A developer without Chromium or ../shared runs the suite
# as usual (CI unset), or sets POLICYLENS_ALLOW_SKIPS=1 to run .ci/run anyway.
STRICT_SKIPS = os.environ.get("CI", "").lower() in {"1", "true", "yes"} and not os.environ.get(
    "POLICYLENS_ALLOW_SKIPS"
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if STRICT_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (set POLICYLENS_ALLOW_SKIPS=1 to allow): {reason}"


@pytest.fixture(scope="module")
def app_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One store for a module of page tests: the app caches it per process, as a server
    would, so the module's runs share it and other modules get their own.
    """
    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    old = os.environ.get("POLICYLENS_STORE")
    os.environ["POLICYLENS_STORE"] = str(path)
    from pages._common import forget_store

    forget_store()
    yield path
    forget_store()
    if old is None:
        os.environ.pop("POLICYLENS_STORE", None)
    else:
        os.environ["POLICYLENS_STORE"] = old
