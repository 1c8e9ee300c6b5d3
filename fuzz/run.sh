#!/usr/bin/env bash
# Runs the fuzz targets built by `make fuzz-build` (see mk/fuzz.mk and fuzz/README.md).
#
#   run.sh SECONDS "TARGETS" [libFuzzer flags...]   fuzz each target SECONDS, one after another
#   run.sh --reproduce "TARGETS"                     re-run fuzz/crashes/<target>/* (0 = none crash)
#
# Environment: FUZZ_OUT (.build-fuzz), FUZZ_MAX_LEN (4096), FUZZ_TIMEOUT (per-input
# seconds, 30), FUZZ_RSS_MB (2048), FUZZ_CORPUS_SUBDIR (corpus), FUZZ_FRESH_CORPUS=1
# (start the output corpus empty: reproducible smoke runs).
#
# Seeds are read from fuzz/corpus/<target>; new entries go to
# $FUZZ_OUT/$FUZZ_CORPUS_SUBDIR/<target>; crashes, timeouts and OOMs to
# $FUZZ_OUT/artifacts/<target>/; the full libFuzzer log to $FUZZ_OUT/logs/<target>.log
# ($FUZZ_OUT/logs-<subdir>/ when FUZZ_CORPUS_SUBDIR is set, e.g. for fuzz-smoke).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

out=${FUZZ_OUT:-.build-fuzz}
max_len=${FUZZ_MAX_LEN:-4096}
timeout=${FUZZ_TIMEOUT:-30}
rss=${FUZZ_RSS_MB:-2048}
sub=${FUZZ_CORPUS_SUBDIR:-corpus}
logs=$out/logs${FUZZ_CORPUS_SUBDIR:+-$FUZZ_CORPUS_SUBDIR}
# Swift's own crash backtracer fights ASan's handler; let libFuzzer/ASan report.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}

if [[ ${1:-} == --reproduce ]]; then
    targets=${2:-fuzz_json fuzz_spec fuzz_state}
    still=0
    total=0
    for t in $targets; do
        dir=fuzz/crashes/$t
        [[ -d $dir ]] || continue
        for f in "$dir"/*; do
            [[ -f $f ]] || continue
            case $f in *.md | *.txt) continue ;; esac
            total=$((total + 1))
            if "$out/bin/$t" -runs=1 "$f" >"$out/repro.log" 2>&1; then
                echo "fixed     $t $f"
            else
                still=$((still + 1))
                echo "CRASHES   $t $f"
                grep -E "LRSCHED-FUZZ ORACLE|Fatal error|ERROR: AddressSanitizer|SUMMARY|deadly signal" "$out/repro.log" | head -3 | sed 's/^/          /'
            fi
        done
    done
    echo "$total reproducer(s), $still still crashing"
    [[ $still -eq 0 ]]
    exit
fi

seconds=${1:?usage: run.sh SECONDS "TARGETS" [flags]}
targets=${2:-fuzz_json fuzz_spec fuzz_state}
shift 2 || true
extra=("$@")

mkdir -p "$logs"
summary=()
failed=0
for t in $targets; do
    bin=$out/bin/$t
    corpus=$out/$sub/$t
    artifacts=$out/artifacts/$t/
    log=$logs/$t.log
    [[ ${FUZZ_FRESH_CORPUS:-0} == 1 ]] && rm -rf "$corpus"
    mkdir -p "$corpus" "$artifacts" "fuzz/corpus/$t"
    echo "== $t: ${seconds}s (log: $log)"
    start=$(date +%s)
    "$bin" "$corpus" "fuzz/corpus/$t" \
        -max_total_time="$seconds" -max_len="$max_len" -timeout="$timeout" -rss_limit_mb="$rss" \
        -dict=fuzz/json.dict -artifact_prefix="$artifacts" -print_final_stats=1 \
        "${extra[@]}" >"$log" 2>&1
    rc=$?
    elapsed=$(( $(date +%s) - start ))
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    [[ -n $execs ]] || execs=$(grep -oE '^#[0-9]+' <<<"$last" | tr -d '#')
    cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
    ft=$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
    rate=$(grep -oE 'exec/s: [0-9]+' <<<"$last" | grep -oE '[0-9]+')
    files=$(find "$corpus" -type f | wc -l)
    if [[ $rc -eq 0 ]]; then
        result=ok
    else
        failed=1
        result="FAILED (exit $rc)"
        echo "-- $t failed; from $log:"
        grep -E "LRSCHED-FUZZ ORACLE|Fatal error|ERROR: (AddressSanitizer|libFuzzer)|SUMMARY|Test unit written|deadly signal|timeout" "$log" | head -8
    fi
    summary+=("$(printf '%-11s %6ss %11s %7s %6s %6s %8s  %s' "$t" "$elapsed" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$files" "$result")")
done

printf '%-11s %7s %11s %7s %6s %6s %8s  %s\n' target time execs exec/s cov ft corpus result
printf '%s\n' "${summary[@]}"
exit $failed
