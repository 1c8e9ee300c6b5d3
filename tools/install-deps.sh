#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently: quick when all is there.
# System packages with apt-get (as root, or through sudo), Python packages with pip into
# the python3 first on PATH. Never torch: PyPI's torch is the multi-GB CUDA build; the
# tests that need it skip themselves when it is absent.
set -euo pipefail

APT_PACKAGES=(libjansson-dev pkg-config valgrind)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
PIP_PACKAGES=(pytest numpy matplotlib)
pymissing=()
for p in "${PIP_PACKAGES[@]}"; do
  "$PY" -c "import $p" 2>/dev/null || pymissing+=("$p")
done
if [ ${#pymissing[@]} -gt 0 ]; then
  echo "deps: pip installing ${pymissing[*]}"
  "$PY" -m pip install -q --disable-pip-version-check "${pymissing[@]}"
fi
