"""Every labelled row can be scored: its document is present.

The scoring skips rows whose document is absent (so a developer without ../shared can
still run the seed rows); this test is what stops a run that scored 47 of 237 rows from
passing. Without ../shared it skips, which CI turns into a failure (see conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .labelled_sets import CORPUS_DIR, LABELLED_SETS, document, load_gold


@pytest.mark.parametrize("path", LABELLED_SETS, ids=lambda p: p.stem)
def test_every_labelled_document_is_present(path: Path) -> None:
    gold = load_gold(path)
    assert len(gold) > 0, f"{path.name} has no labelled rows"
    if not CORPUS_DIR.exists():
        pytest.skip(f"../shared/corpus not found at {CORPUS_DIR}: only seed rows can be scored")
    missing = sorted({file for file in gold.file if document(file) is None})
    assert not missing, f"{len(missing)} labelled documents absent: {missing[:5]}"
