"""Each primitive has one definition that everything imports: a second copy written into
another module (a full-width table, a numeral dictionary, an "unknown" label, the list of
municipalities, the mask characters, the digits of a year) fails here, naming where it is."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

import pytest

from .conftest import ROOT

SOURCES = sorted([*(ROOT / "analysis").glob("*.py"), *(ROOT / "pages").glob("*.py")])


def _constants(tree: ast.AST) -> Iterator[ast.Constant]:
    """String constants of a module, docstrings left out."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node


def _literal_strings(node: ast.AST) -> set[str]:
    """The string elements of a set, list or tuple display."""
    if not isinstance(node, ast.Set | ast.List | ast.Tuple):
        return set()
    return {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}


_FULLWIDTH_MATH = re.compile(r"0x[Ff][Ee][Ee]0|0x[Ff][Ff](?:10|21|41)")


def _fullwidth_table(tree: ast.AST, source: str) -> list[int]:
    return [i for i, line in enumerate(source.splitlines(), 1) if _FULLWIDTH_MATH.search(line)]


def _numeral_dictionary(tree: ast.AST, source: str) -> list[int]:
    """A mapping of Chinese digits to values (`"〇": 0`, `zip("〇零一…", …)`)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and any(
            isinstance(k, ast.Constant) and k.value in ("〇", "零") for k in node.keys
        ):
            found.append(node.lineno)
        if isinstance(node, ast.Constant) and node.value in (
            "〇零一二三四五六七八九",
            "零一二三四五六七八九",
        ):
            found.append(node.lineno)
    return found


def _unknown_label(tree: ast.AST, source: str) -> list[int]:
    return [n.lineno for n in _constants(tree) if n.value in ("（未知）", "未知年份", "未知")]


def _municipality_list(tree: ast.AST, source: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if {"北京市", "上海市"} <= _literal_strings(node)
        or {"北京", "上海", "天津", "重庆"} <= _literal_strings(node)
    ]


def _mask_characters(tree: ast.AST, source: str) -> list[int]:
    return [n.lineno for n in _constants(tree) if "*＊" in n.value or "＊*" in n.value]


def _year_pattern(tree: ast.AST, source: str) -> list[int]:
    return [n.lineno for n in _constants(tree) if "(?:19|20)" in n.value]


Finder = Callable[[ast.AST, str], list[int]]
# primitive -> (the one module allowed to define it, how to spot a copy)
HOMES: dict[str, tuple[str, Finder]] = {
    "full-width normalisation": ("numbers.py", _fullwidth_table),
    "Chinese numerals": ("numbers.py", _numeral_dictionary),
    "unknown labels": ("labels.py", _unknown_label),
    "municipalities": ("gazetteer.py", _municipality_list),
    "mask characters": ("redaction.py", _mask_characters),
    "year patterns": ("numbers.py", _year_pattern),
}


@pytest.mark.parametrize("primitive", list(HOMES))
def test_each_primitive_is_defined_in_one_module(primitive: str) -> None:
    home, find = HOMES[primitive]
    copies = []
    for path in SOURCES:
        if path.name == home:
            continue
        source = path.read_text(encoding="utf-8")
        copies += [f"{path.relative_to(ROOT)}:{line}" for line in find(ast.parse(source), source)]
    assert not copies, f"{primitive} is defined in analysis/{home}; import it from there: {copies}"


@pytest.mark.parametrize("primitive", list(HOMES))
def test_each_home_does_hold_its_primitive(primitive: str) -> None:
    """The finders work: each spots the definition in its own home (except municipalities,
    which the gazetteer reads from its division table)."""
    home, find = HOMES[primitive]
    if primitive == "municipalities":
        from analysis.gazetteer import municipalities

        assert municipalities() == {"北京市", "天津市", "上海市", "重庆市"}
        return
    source = (ROOT / "analysis" / home).read_text(encoding="utf-8")
    assert find(ast.parse(source), source)
