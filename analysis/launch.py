"""`policylens-dashboard`: start the Streamlit dashboard from a checkout or an installed wheel.

Streamlit is run as a child process (this package never imports it); extra arguments are
passed on, e.g. `policylens-dashboard --server.port 8600`. The app's own settings
(`.streamlit/config.toml`: upload limit, theme) are passed as options, because Streamlit
reads that file from the working directory, which is the user's, not the app's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

from analysis.resources import app_dir


def streamlit_command(extra: list[str]) -> list[str]:
    """The `streamlit run` command line for the dashboard, with the app's config as options.

    >>> streamlit_command(["--server.port", "8600"])[1:4]
    ['-m', 'streamlit', 'run']
    """
    folder = app_dir()
    options: list[str] = []
    config = folder / ".streamlit" / "config.toml"
    if config.is_file():
        for section, values in tomllib.loads(config.read_text(encoding="utf-8")).items():
            options += [f"--{section}.{key}={_option(value)}" for key, value in values.items()]
    entry = str(folder / "dashboard.py")
    return [sys.executable, "-m", "streamlit", "run", entry, *options, *extra]


def _option(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def main(argv: list[str] | None = None) -> int:
    command = streamlit_command(sys.argv[1:] if argv is None else argv)
    try:
        return subprocess.call(command, env=os.environ.copy())
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
