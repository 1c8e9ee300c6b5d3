#!/usr/bin/env bash
# `make install` into a scratch prefix, then build examples/c/*.c against it with the
# installed CMake package (Tests/cmake/CMakeLists.txt: find_package(lrsched CONFIG),
# lrsched::lrsched), run them with no LD_LIBRARY_PATH and compare their output with
# Tests/C/*.expected; then check the package's version rules.
#
#   check_cmake.sh MAKE
set -euo pipefail
make=$1
version=$(sed -n 's/^#define LRSCHED_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' include/lrsched.h | paste -sd.)
abi=$(sed -n 's/^#define LRSCHED_ABI_VERSION *\([0-9]*\).*/\1/p' include/lrsched.h)
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}

work=$(mktemp -d "${TMPDIR:-/tmp}/lrsched-cmake.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
$make --no-print-directory -s install PREFIX="$prefix" > /dev/null

fail() { echo "check_cmake: $*"; exit 1; }
for f in lrschedConfig.cmake lrschedConfigVersion.cmake; do
  [ -f "$prefix/lib/cmake/lrsched/$f" ] || fail "no lib/cmake/lrsched/$f"
done

# configure DIR [cmake args...]: configure Tests/cmake into $work/DIR, output in DIR.log.
configure() {
  local dir=$1; shift
  env -u LD_LIBRARY_PATH cmake -S Tests/cmake -B "$work/$dir" -DCMAKE_PREFIX_PATH="$prefix" "$@" \
      > "$work/$dir.log" 2>&1
}

configure build -DLRSCHED_REQUIRED_VERSION="$major.$minor" || { cat "$work/build.log"; fail "configure failed"; }
grep -q -- "-- lrsched $version from $prefix/lib/cmake/lrsched$" "$work/build.log" \
    || { cat "$work/build.log"; fail "find_package did not find lrsched $version in the prefix"; }
cmake --build "$work/build" > "$work/build-build.log" 2>&1 || { cat "$work/build-build.log"; fail "build failed"; }

run() { env -u LD_LIBRARY_PATH "$work/build/$1" > "$work/$1.out" || fail "$1 failed"; }
run article_lrs
diff -u Tests/C/article_lrs.expected "$work/article_lrs.out" || fail "article_lrs printed something else"
run beyond_torch
diff -u Tests/C/beyond_torch.expected "$work/beyond_torch.out" || fail "beyond_torch printed something else"
run article_train
diff -u Tests/C/article_lrs.expected "$work/article_train.out" || fail "article_train printed something else"
libs=$(env -u LD_LIBRARY_PATH ldd "$work/build/article_lrs")
grep -q "liblrsched.so.$abi => $prefix/lib/liblrsched.so.$abi" <<<"$libs" \
    || { echo "$libs"; fail "article_lrs did not load the installed library"; }

# Version rules: no version and an older one of the same major are accepted; the next
# minor (newer than installed) and the next major are not.
configure any -DLRSCHED_REQUIRED_VERSION= || { cat "$work/any.log"; fail "find_package(lrsched CONFIG) without a version failed"; }
configure older -DLRSCHED_REQUIRED_VERSION="$major.0" || { cat "$work/older.log"; fail "find_package(lrsched $major.0) failed"; }
for v in "$major.$((minor + 1))" "$((major + 1)).0"; do
  ! configure "v$v" -DLRSCHED_REQUIRED_VERSION="$v" || fail "find_package(lrsched $v) accepted $version"
  grep -q "lrschedConfig.cmake, version: $version" "$work/v$v.log" \
      || { cat "$work/v$v.log"; fail "find_package(lrsched $v) failed for another reason"; }
done

echo "check_cmake: find_package(lrsched $major.$minor CONFIG) finds $version in the installed prefix; lrsched::lrsched builds examples/c/*.c (article_train with m), which print Tests/C/*.expected; versions: none, $major.0 accepted, $major.$((minor + 1)), $((major + 1)).0 refused"
