"""Errors the analysis package raises, each carrying what a user needs to fix the input."""

from __future__ import annotations


class PolicyLensError(Exception):
    """Base class: every message is a sentence a user can act on."""


class RejectedFile(PolicyLensError):
    """A file that cannot become a document; the rest of the batch goes on."""

    def __init__(self, source: str, code: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.code = code  # machine-readable: empty, binary, undecodable, unsupported, ...
        self.message = message


class UnknownDocument(PolicyLensError):
    def __init__(self, doc_id: str) -> None:
        super().__init__(f"没有编号为 {doc_id} 的文档（用 `python -m analysis docs` 查看编号）")
        self.doc_id = doc_id


class InvalidField(PolicyLensError):
    """A metadata correction naming a field or value that is not allowed."""


class SeedsMissing(PolicyLensError):
    """The bundled seed documents are not where the installation put them."""
