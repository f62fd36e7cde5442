#!/usr/bin/env bash
# Set up seniormode on a fresh Debian/Ubuntu machine, then run one job:
#   ./bootstrap.sh demo    install everything, run the demo kiosk
#   ./bootstrap.sh test    install everything, run the whole test suite
#   ./bootstrap.sh lint    install everything, lint and audit the demo flows, themes and catalogs
#   ./bootstrap.sh fuzz    install everything, fuzz the linter with 10,000 examples per target (nightly)
#   ./bootstrap.sh lock    refresh requirements.lock from setup.cfg's ranges (then run ./bootstrap.sh test)
#   ./bootstrap.sh         install only
# Run as root, or as a user with sudo (used only for apt-get).
#
# Every Python package .venv gets comes from requirements-build.lock and requirements.lock, exact versions with
# hashes: setup.cfg keeps the ranges a library user needs, the locks are what the kiosk, the tests and CI run.
set -euo pipefail
cd "$(dirname "$0")"

# System packages: Python venv, Kivy's GL/input libraries, a virtual screen for
# kiosks with no display, espeak-ng for the voice, CJK and colour-emoji fonts
# (Kivy has no font fallback), sox to measure audio, Chromium to test the HTML report, git (flow releases are
# pulled from a git remote), PostgreSQL (the fleet's journals; the tests start a real server of their own), and
# CUPS for the receipt printer: lp, Debian's cups-pdf virtual printer (the tests print to one on a scheduler of
# their own) and poppler-utils (pdftoppm, pdftotext: the tests look at the printed page), zbar-tools (zbarimg
# reads the slip's QR code back).
APT_PACKAGES=(
  python3 python3-venv python3-pip
  xvfb xauth libgl1 libgl1-mesa-dri libegl1 libmtdev1 libgles2
  espeak-ng libespeak-ng1
  fonts-noto-cjk fonts-noto-color-emoji
  sox
  chromium
  git postgresql
  cups cups-client printer-driver-cups-pdf poppler-utils zbar-tools
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
# uv only computes the lock (./bootstrap.sh lock); installs are plain pip checking every hash.
UV_VERSION=0.13.9
LOCK_PYTHON=3.11
LOCK_PLATFORM=x86_64-manylinux_2_28

if [ "${1:-}" = "lock" ]; then
  tool="${XDG_CACHE_HOME:-$HOME/.cache}/seniormode/uv-$UV_VERSION"
  if [ ! -x "$tool/bin/uv" ]; then
    "$PYTHON" -m venv "$tool"
    "$tool/bin/python" -m pip install -q "uv==$UV_VERSION"
  fi
  compile=("$tool/bin/uv" pip compile --quiet --generate-hashes --python-version "$LOCK_PYTHON"
           --python-platform "$LOCK_PLATFORM" --custom-compile-command "./bootstrap.sh lock")
  "${compile[@]}" --upgrade --all-extras setup.cfg requirements-build.in -o requirements.lock
  "${compile[@]}" -c requirements.lock requirements-build.in -o requirements-build.lock
  git --no-pager diff --stat -- requirements.lock requirements-build.lock 2>/dev/null || true
  echo "bootstrap: locks refreshed. Run ./bootstrap.sh test (the whole suite must pass) before committing them."
  exit 0
fi

have="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ "$have" != "$LOCK_PYTHON" ]; then
  echo "bootstrap: the lock is made for Python $LOCK_PYTHON, and $PYTHON is $have." >&2
  echo "bootstrap: run with PYTHON=python$LOCK_PYTHON, or refresh the lock for $have (LOCK_PYTHON in this file)." >&2
  exit 2
fi

# A .venv that drifted from the lock (a hand-installed package, an older lock) is made anew, not patched.
if [ -x .venv/bin/python ] && ! .venv/bin/python tools/lock_check.py requirements.lock >/dev/null 2>&1; then
  echo "bootstrap: .venv differs from requirements.lock; making it anew"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --require-hashes --no-deps -r requirements-build.lock
  .venv/bin/python -m pip install -q --require-hashes --no-deps --no-build-isolation -r requirements.lock
fi
# The project itself, editable, built with the locked setuptools: no download.
PYTHONWARNINGS=ignore .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .  # no editable-install banner
.venv/bin/python tools/lock_check.py requirements.lock
# pip compiles the bytecode of every package it installs, but not of an editable project; with
# PYTHONDONTWRITEBYTECODE set (CI images often set it), Python then compiled our modules from source at every start
# (57 ms of the kiosk's cold start). A stale .pyc is never used: Python checks each against its source file.
.venv/bin/python -m compileall -q -j 0 seniormode >/dev/null

# With no screen (a server, CI), the kiosk and its tests draw on a virtual one.
XVFB=()
if [ -z "${DISPLAY:-}" ]; then XVFB=(xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX"); fi

case "${1:-}" in
  demo) shift; exec .venv/bin/seniormode demo "$@" ;;
  test) shift; exec "${XVFB[@]}" .venv/bin/python -m pytest "$@" ;;
  lint) shift; exec .venv/bin/seniormode lint --audit --strict "$@" ;;
  fuzz) shift; export SENIORMODE_FUZZ=nightly; exec "${XVFB[@]}" .venv/bin/python -m pytest -m fuzz "$@" ;;
  "") echo "bootstrap: installed. Try: .venv/bin/seniormode demo" ;;
  *) echo "usage: ./bootstrap.sh [demo|test|lint|fuzz|lock]" >&2; exit 2 ;;
esac
