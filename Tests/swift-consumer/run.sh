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
