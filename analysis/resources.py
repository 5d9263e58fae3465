"""Where the files the package ships are, in a checkout and in an installed wheel.

A checkout keeps `seeds/`, `dashboard.py` and `pages/` at the top of the repository; a
wheel carries the same files as package data (`analysis/seeds/`, `policylens_app/`), so
nothing is duplicated in git and both layouts find them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

_PACKAGE: Final = Path(__file__).resolve().parent
_CHECKOUT: Final = _PACKAGE.parent


def seeds_dir() -> Path:
    """The bundled seed documents and their curated metadata."""
    installed = _PACKAGE / "seeds"
    return installed if installed.is_dir() else _CHECKOUT / "seeds"


def app_dir() -> Path:
    """The folder holding the Streamlit entry point `dashboard.py` and its `pages/`."""
    if (_CHECKOUT / "dashboard.py").is_file() and (_CHECKOUT / "pages").is_dir():
        return _CHECKOUT
    try:
        import policylens_app  # the wheel's copy of dashboard.py and pages/
    except ImportError:
        return _CHECKOUT
    return Path(policylens_app.__path__[0])
