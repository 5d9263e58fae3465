#!/usr/bin/env bash
# One entry point for a fresh machine: system packages, virtual environment, then run or test.
#   bash scripts/bootstrap.sh run    # set up and open the dashboard on http://localhost:8501
#   bash scripts/bootstrap.sh test   # set up and run the whole test suite (browser test included)
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-run}"
shift || true
venv="${POLICYLENS_VENV:-.venv}"
# Debian/Ubuntu packages: a CJK font for word clouds and exported images, Chromium for
# server-side chart images and the browser tests.
system_packages=(fonts-noto-cjk fonts-wqy-microhei chromium)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_system_packages() {
  local missing=()
  for pkg in "${system_packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    say "No apt-get here: please install a CJK font (e.g. Noto Sans CJK) and Chromium yourself."
    say "The dashboard still runs; it tells you what is missing where it is needed."
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      say "Not root and no sudo: skipping system packages (${missing[*]}); install them to get word clouds and image export."
      return 0
    fi
  fi
  say "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || say "Could not install ${missing[*]}; the app will say what is missing."
}

find_python() {
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 &&
       "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  echo "Python 3.11 or newer is required (apt-get install python3 python3-venv)." >&2
  return 1
}

make_venv() {
  local extras="$1"
  if [ ! -x "$venv/bin/python" ]; then
    local py; py="$(find_python)"
    say "Creating virtual environment $venv with $py"
    "$py" -m venv "$venv"
  fi
  say "Installing the project ($extras)"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e ".$extras"
}

install_system_packages
case "$mode" in
  run)
    make_venv ""
    say "Opening the dashboard on http://localhost:8501"
    exec "$venv/bin/streamlit" run dashboard.py --server.port "${PORT:-8501}" "$@"
    ;;
  test)
    make_venv "[dev]"
    say "Running the tests"
    exec "$venv/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: bash scripts/bootstrap.sh run|test [extra args]" >&2; exit 64 ;;
esac
