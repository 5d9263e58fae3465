"""Per-stage versions: what must be recomputed when code or rules change.

Each stored document records the version of every stage that produced it (cleaning,
metadata, segmentation, quantities, codebook codes); segmentation's also covers the user's
dictionary (`with_user_words`). A stage's version hashes the source of its module and
of every `analysis` module that one imports (followed through the imports, so a helper
module added later counts without editing a list here), plus each data file under
`analysis/data/` those modules name. A change to `target_rules.toml` thus changes the
quantities version only, and reprocessing re-extracts quantities and nothing else.

Stages depend on each other as the data flows: new clean text redoes everything, new
metadata redoes quantities (their deadlines read the document's year), segmentation,
quantities and codes (theme hits and policy-instrument codes) stand alone.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Final

PACKAGE: Final = Path(__file__).resolve().parent
DATA: Final = PACKAGE / "data"

# Stage -> the module whose functions produce its stored output.
STAGE_MODULES: Final = {
    "clean": "cleaning",
    "meta": "metadata",
    "seg": "segmentation",
    "qty": "targets",
    "code": "codes",
}
STAGES: Final = tuple(STAGE_MODULES)
# A stage to redo also redoes these.
DOWNSTREAM: Final = {
    "clean": frozenset(STAGES),
    "meta": frozenset({"meta", "qty"}),
    "seg": frozenset({"seg"}),
    "qty": frozenset({"qty"}),
    "code": frozenset({"code"}),
}


def _imports(module: str) -> set[str]:
    """`analysis` modules imported by `module` (by name), read from its source."""
    path = PACKAGE / f"{module}.py"
    if not path.exists():
        return set()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "analysis":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("analysis."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("analysis."))
    return {name for name in found if (PACKAGE / f"{name}.py").exists()}


def module_closure(module: str) -> list[str]:
    """`module` and every analysis module it reaches through imports, sorted."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_imports(name) - seen)
    return sorted(seen)


@lru_cache(maxsize=1)
def stage_versions() -> dict[str, str]:
    """stage -> 12-hex hash of its code and data (see the module docstring)."""
    data_files = sorted(p for p in DATA.iterdir() if p.is_file()) if DATA.exists() else []
    versions = {}
    for stage, entry in STAGE_MODULES.items():
        digest = hashlib.sha256()
        sources = [(PACKAGE / f"{name}.py").read_bytes() for name in module_closure(entry)]
        text = b"".join(sources)
        for source in sources:
            digest.update(source)
        for data in data_files:
            if data.name.encode() in text:
                digest.update(data.name.encode() + b"\0" + data.read_bytes())
        versions[stage] = digest.hexdigest()[:12]
    return versions


def with_user_words(versions: Mapping[str, str], words: Sequence[str]) -> dict[str, str]:
    """`versions` with the user's dictionary folded into the segmentation version.

    Counts depend on the words as much as on the code: a re-segmentation killed halfway,
    or words saved without one, leaves documents whose recorded version is not the
    current one, and the next opening recounts them. No words: the code's version as is.
    """
    if not words:
        return dict(versions)
    digest = hashlib.sha256(versions["seg"].encode())
    for word in sorted(set(words)):
        digest.update(b"\0" + word.encode())
    return {**versions, "seg": digest.hexdigest()[:12]}


def version_string(versions: Mapping[str, str]) -> str:
    """The form kept in the store: `clean=…;meta=…;seg=…;qty=…;code=…`."""
    return ";".join(f"{stage}={versions[stage]}" for stage in STAGES)


def stages_to_redo(stored: str, current: Mapping[str, str]) -> frozenset[str]:
    """The stages a document stored under `stored` needs redone to be current.

    Anything unreadable (a store from before per-stage versions) redoes everything; a
    stage added since the document was stored (none recorded for it) is redone alone.
    """
    parts = dict(p.split("=", 1) for p in stored.split(";") if "=" in p)
    if not parts or set(parts) - set(STAGES):
        return frozenset(STAGES)
    redo: set[str] = set()
    for stage in STAGES:
        if parts.get(stage) != current[stage]:
            redo |= DOWNSTREAM[stage]
    return frozenset(redo)
