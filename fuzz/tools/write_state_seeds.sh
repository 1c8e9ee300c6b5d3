#!/usr/bin/env bash
# Usage: write_state_seeds.sh GENERATOR DIR — writes the generator's `name<TAB>json`
# lines as DIR/name (replacing DIR's *.json files).
set -euo pipefail
gen=$1
dir=$2
mkdir -p "$dir"
rm -f "$dir"/*.json
n=0
while IFS=$'\t' read -r name json; do
    printf '%s' "$json" > "$dir/$name"
    n=$((n + 1))
done < <("$gen")
echo "wrote $n seed states to $dir"
