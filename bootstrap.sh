#!/usr/bin/env bash
# Set up seniormode on a fresh Debian/Ubuntu machine, then run one job:
#   ./bootstrap.sh demo    install everything, run the demo kiosk
#   ./bootstrap.sh test    install everything, run the whole test suite
#   ./bootstrap.sh lint    install everything, lint and audit the demo flows, themes and catalogs
#   ./bootstrap.sh fuzz    install everything, fuzz the linter with 10,000 examples per target (nightly)
#   ./bootstrap.sh         install only
# Run as root, or as a user with sudo (used only for apt-get).
set -euo pipefail
cd "$(dirname "$0")"

# System packages: Python venv, Kivy's GL/input libraries, a virtual screen for
# kiosks with no display, espeak-ng for the voice, CJK and colour-emoji fonts
# (Kivy has no font fallback), sox to measure audio.
APT_PACKAGES=(
  python3 python3-venv python3-pip
  xvfb xauth libgl1 libgl1-mesa-dri libegl1 libmtdev1 libgles2
  espeak-ng libespeak-ng1
  fonts-noto-cjk fonts-noto-color-emoji
  sox
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
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip setuptools wheel
.venv/bin/python -m pip install -q -e '.[kiosk,voice,test,dev]'

# With no screen (a server, CI), the kiosk and its tests draw on a virtual one.
XVFB=()
if [ -z "${DISPLAY:-}" ]; then XVFB=(xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX"); fi

case "${1:-}" in
  demo) shift; exec .venv/bin/seniormode demo "$@" ;;
  test) shift; exec "${XVFB[@]}" .venv/bin/python -m pytest "$@" ;;
  lint) shift; exec .venv/bin/seniormode lint --audit --strict "$@" ;;
  fuzz) shift; export SENIORMODE_FUZZ=nightly; exec "${XVFB[@]}" .venv/bin/python -m pytest -m fuzz "$@" ;;
  "") echo "bootstrap: installed. Try: .venv/bin/seniormode demo" ;;
  *) echo "usage: ./bootstrap.sh [demo|test|lint|fuzz]" >&2; exit 2 ;;
esac
