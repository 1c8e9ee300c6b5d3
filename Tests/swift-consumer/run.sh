#!/usr/bin/env bash
# Builds and runs the consumer package (Package.swift here) against this repository and
# checks that it prints the article's StepLR lines (Tests/C/article_lrs.expected).
#
# SwiftPM gets its own scratch folder, .build-swift-consumer (git-ignored), holding a
# copy of this folder (work/swift-consumer) beside a symlink work/lrsched to the
# repository: the dependency `.package(path: "../lrsched")` then has the identity
# "lrsched" whatever the checkout's folder is named, and this folder is never part of
# the main package (the link is removed afterwards). The copy keeps the files' times, so
# a warm build is incremental.
#
#   Tests/swift-consumer/run.sh [SWIFT]
set -euo pipefail
cd "$(dirname "$0")/../.."
swift=${1:-swift}
root=$PWD
scratch=$root/.build-swift-consumer
work=$scratch/work

mkdir -p "$work"
ln -sfn "$root" "$work/lrsched"
trap 'rm -f "$work/lrsched"' EXIT  # no link back to the tree left inside it for tools that walk it
rm -rf "$work/swift-consumer"
mkdir -p "$work/swift-consumer"
cp -pR Tests/swift-consumer/Package.swift Tests/swift-consumer/Sources "$work/swift-consumer/"

build() { "$swift" build --package-path "$work/swift-consumer" --scratch-path "$scratch/build" 1>&2; }
# SwiftPM's incremental build of a dependency can miss a target added to it (no such
# module): one clean rebuild before failing.
build || { echo "swift-consumer: retrying from a clean scratch folder" 1>&2; rm -rf "$scratch/build"; build; }
out=$("$scratch/build/debug/swift-consumer")
expected=$(sed -n '/^StepLR(/,/^epoch 10 /p' Tests/C/article_lrs.expected)
[ "$(wc -l <<<"$expected")" -eq 11 ] || { echo "swift-consumer: no StepLR section in Tests/C/article_lrs.expected"; exit 1; }
diff -u <(echo "$expected") <(echo "$out") || { echo "swift-consumer: the consumer printed something else"; exit 1; }
echo "test-swift-consumer: a package depending on lrsched by path builds with the LRSched product and prints the article's StepLR lrs"

# By version, as the README's url line: a git repository of this tree's tracked files
# tagged with the header's version, named through a file:// URL. SwiftPM refuses unsafe
# build flags in a package resolved by version, so this proves the LRSched product has
# none (LRSCHED_BLAS unset, as in a user's build).
version=$(sed -n 's/^#define LRSCHED_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' include/lrsched.h | paste -sd.)
tagged=$scratch/tagged/lrsched
rm -rf "$scratch/tagged" "$work/by-version"
mkdir -p "$tagged" "$work/by-version"
git ls-files -z | xargs -0 cp --parents -p -t "$tagged"
git -C "$tagged" init -q
git -C "$tagged" add -A
git -C "$tagged" -c user.name=lrsched -c user.email=lrsched@localhost commit -q -m "lrsched $version"
git -C "$tagged" tag "$version"
sed -e "s|\.package(path: \"\.\./lrsched\")|.package(url: \"file://$tagged\", from: \"$version\")|" \
    Tests/swift-consumer/Package.swift >"$work/by-version/Package.swift"
grep -q "from: \"$version\"" "$work/by-version/Package.swift" || { echo "swift-consumer: no version line"; exit 1; }
cp -pR Tests/swift-consumer/Sources "$work/by-version/"
rm -rf "$scratch/build-version"
env -u LRSCHED_BLAS "$swift" build --package-path "$work/by-version" --scratch-path "$scratch/build-version" 1>&2
out=$("$scratch/build-version/debug/swift-consumer")
diff -u <(echo "$expected") <(echo "$out") || { echo "swift-consumer: the by-version consumer printed something else"; exit 1; }
echo "test-swift-consumer: a package depending on lrsched $version by version (a tagged git repository) builds without unsafe flags and prints the same lrs"
