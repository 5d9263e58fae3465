#!/usr/bin/env bash
# One entry point for a fresh machine: system packages, virtual environment, then run or test.
#   bash scripts/bootstrap.sh run    # set up and open the dashboard on http://localhost:8501
#   bash scripts/bootstrap.sh test   # set up and run the whole test suite (browser test included)
#   bash scripts/bootstrap.sh lint   # set up and run ruff (check and format --check)
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
  [ -n "${POLICYLENS_NO_SYSTEM_PACKAGES:-}" ] && return 0
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
  # Reinstall only when pyproject.toml or the extras changed (the install is editable, so
  # code changes need none); the stamp lives in the venv, never in the tracked tree.
  local stamp="$venv/.policylens-install" want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1) $extras"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "Project already installed ($extras); pyproject.toml unchanged"
    return 0
  fi
  say "Installing the project ($extras)"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -e ".$extras"
  echo "$want" > "$stamp"
}

# The port Streamlit will listen on: --server.port among the extra arguments wins over $PORT.
dashboard_port() {
  local port="${PORT:-8501}" prev=""
  for arg in "$@"; do
    case "$arg" in
      --server.port=*) port="${arg#--server.port=}" ;;
      *) [ "$prev" = "--server.port" ] && port="$arg" ;;
    esac
    prev="$arg"
  done
  echo "$port"
}

install_system_packages
case "$mode" in
  run)
    make_venv ""
    port="$(dashboard_port "$@")"
    say "Opening the dashboard on http://localhost:$port"
    exec "$venv/bin/streamlit" run dashboard.py --server.port "${PORT:-8501}" "$@"
    ;;
  test)
    make_venv "[dev]"
    say "Running the tests"
    exec "$venv/bin/python" -m pytest "$@"
    ;;
  lint)
    make_venv "[dev]"
    say "Checking style (ruff check, ruff format --check)"
    "$venv/bin/ruff" check .
    exec "$venv/bin/ruff" format --check .
    ;;
  *)
    echo "usage: bash scripts/bootstrap.sh run|test|lint [extra args]" >&2; exit 64 ;;
esac
