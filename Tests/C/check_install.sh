#!/usr/bin/env bash
# `make install` into a scratch prefix, check the layout, then build the article examples
# against the installed copy with pkg-config alone and run it (no LD_LIBRARY_PATH; the
# installed library is the self-contained one), and run the installed lrsched-cli.
#
#   check_install.sh MAKE C_OUT
set -euo pipefail
make=$1
cc=${CC_C:-gcc}
version=$(sed -n 's/^#define LRSCHED_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' include/lrsched.h | paste -sd.)
abi=$(sed -n 's/^#define LRSCHED_ABI_VERSION *\([0-9]*\).*/\1/p' include/lrsched.h)

prefix=$(mktemp -d "${TMPDIR:-/tmp}/lrsched-install.XXXXXX")
trap 'rm -rf "$prefix"' EXIT
$make --no-print-directory -s install-strip PREFIX="$prefix" > /dev/null

fail() { echo "check_install: $*"; exit 1; }
[ -f "$prefix/include/lrsched.h" ] || fail "no include/lrsched.h"
[ -f "$prefix/lib/liblrsched.so.$version" ] && [ ! -L "$prefix/lib/liblrsched.so.$version" ] || fail "no lib/liblrsched.so.$version"
[ "$(readlink "$prefix/lib/liblrsched.so.$abi")" = "liblrsched.so.$version" ] || fail "lib/liblrsched.so.$abi is not a symlink to liblrsched.so.$version"
[ "$(readlink "$prefix/lib/liblrsched.so")" = "liblrsched.so.$abi" ] || fail "lib/liblrsched.so is not a symlink to liblrsched.so.$abi"
[ -x "$prefix/bin/lrsched-cli" ] || fail "no bin/lrsched-cli"
# (Outputs are captured before grep reads them: `cmd | grep -q` under pipefail fails when
# grep exits at its first match and cmd then dies of SIGPIPE.)
dynamic=$(readelf -d "$prefix/lib/liblrsched.so.$version")
grep -q "(SONAME).*\[liblrsched.so.$abi\]" <<<"$dynamic" || fail "SONAME is not liblrsched.so.$abi"
[ -f "$prefix/share/doc/lrsched/LICENSE" ] && [ -f "$prefix/share/doc/lrsched/NOTICE" ] || fail "no share/doc/lrsched/{LICENSE,NOTICE}"
for f in "$prefix/lib/liblrsched.so.$version" "$prefix/bin/lrsched-cli"; do  # install-strip
    sections=$(readelf -S "$f")
    ! grep -q -e '\.debug_' -e '\.symtab' <<<"$sections" || fail "$f is not stripped"
    text=$(strings -a "$f")
    ! grep -q -F "$PWD/" <<<"$text" || fail "$f holds the build tree's path"
done

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion lrsched)" = "$version" ] || fail "pkg-config --modversion lrsched is not $version"
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror -ffp-contract=off examples/c/article_lrs.c \
    $(pkg-config --cflags --libs lrsched) -Wl,-rpath,"$(pkg-config --variable=libdir lrsched)" -o "$prefix/article_lrs"
env -u LD_LIBRARY_PATH "$prefix/article_lrs" | diff -u Tests/C/article_lrs.expected - || fail "the installed example printed something else"
libs=$(env -u LD_LIBRARY_PATH ldd "$prefix/article_lrs")
grep -q "liblrsched.so.$abi => $prefix/lib/" <<<"$libs" || fail "the example did not link the installed library"
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Wextra -Werror -ffp-contract=off examples/c/article_train.c \
    $(pkg-config --cflags --libs lrsched) -lm -Wl,-rpath,"$(pkg-config --variable=libdir lrsched)" -o "$prefix/article_train"
env -u LD_LIBRARY_PATH "$prefix/article_train" | diff -u Tests/C/article_lrs.expected - || fail "the installed training example printed something else"

summary=$(env -u LD_LIBRARY_PATH "$prefix/bin/lrsched-cli" verify Tests/Vectors/pytorch-2.15/schedules.json | tail -n 1)
[[ $summary =~ ^[0-9]+\ passed,\ 0\ failed$ ]] || fail "installed lrsched-cli verify: $summary"

echo "check_install: make install-strip PREFIX=... gives header (stripped), LICENSE/NOTICE, liblrsched.so.$version (+ .so.$abi, .so), lrsched.pc, lrsched-cli; pkg-config builds of both examples run"
