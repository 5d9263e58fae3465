"""The text of a PDF's pages, in this process or in a child that can be stopped.

pypdf is pure Python and a crafted content stream of a few kilobytes can keep it busy for
minutes. Where a signal can interrupt it (a program's main thread) the reader runs here
under an alarm; elsewhere (a server's thread) it runs as `python -m analysis.pdf_text`,
which a timeout can kill.
"""

from __future__ import annotations

import io
import json
import sys
from typing import Final

# Exit codes of the child: the PDF is damaged (message on stderr), or it failed otherwise.
CORRUPT: Final = 3
FAILED: Final = 4
# pypdf stopped at one of its own size limits: as much a "too complex" PDF as a timeout.
TOO_LARGE: Final = 5


def pdf_pages(data: bytes) -> list[str]:
    """The extracted text of every page (empty for a page without text)."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def main() -> int:
    """Read a PDF on stdin, write its pages as a JSON list on stdout."""
    from pypdf.errors import LimitReachedError, PdfReadError

    try:
        pages = pdf_pages(sys.stdin.buffer.read())
    except LimitReachedError:
        return TOO_LARGE
    except (PdfReadError, ValueError, KeyError) as exc:
        sys.stderr.write(str(exc))
        return CORRUPT
    except Exception as exc:  # reported by the parent as this file's rejection
        sys.stderr.write(type(exc).__name__)
        return FAILED
    sys.stdout.write(json.dumps(pages, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
