#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (release, -sanitize=fuzzer,address) and runs each one for a time or a number
# of inputs, starting from seeds made from the fixtures. Prints per target the executions, exec/s, coverage and the
# outcome; exits 1 when a target crashed, leaked, timed out or ran out of memory, and prints the input that did it.
# Usage: scripts/fuzz.sh [--seconds N] [--runs N] [TARGET...]
#   --seconds N  stop each target after N seconds (default 30; 0 with --runs for no time limit)
#   --runs N     stop each target after N inputs
# Work files go to out/fuzz (VES_FUZZ_DIR): the growing corpus per target, logs, and crash inputs in crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

all_targets=(fuzz-network fuzz-json-validation fuzz-putval fuzz-collectd-json fuzz-trace fuzz-pcap
    fuzz-listener-command)
seconds=30
runs=""
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; [ "$seconds" = 30 ] && seconds=0; shift 2 ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    fuzz-*) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (targets: ${all_targets[*]})" >&2; exit 64 ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: no target '$target'" >&2; exit 64; }
done

ves_install_packages "${VES_DEBIAN_PACKAGES[@]}"
ves_require_swift
# libFuzzer ships with the swift.org toolchains for Linux, not with Xcode's.
toolchain="$(dirname "$(readlink -f "$(command -v swift)")")/.."
if ! ls "$toolchain"/lib/clang/*/lib/*/libclang_rt.fuzzer*.a >/dev/null 2>&1 \
    && ! ls "$toolchain"/lib/swift/clang/lib/*/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
    echo "SKIP fuzzing: the Swift toolchain at $toolchain has no libFuzzer runtime (libclang_rt.fuzzer)"
    exit 0
fi

work="${VES_FUZZ_DIR:-out/fuzz}"
mkdir -p "$work/logs" "$work/crashes"
build=(swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address)
echo "building the fuzz targets (release, -sanitize=fuzzer,address; the first build takes several minutes)..."
# the fuzz package caches its path dependency's file list; a touched manifest makes it look again
touch Fuzz/Package.swift
: >"$work/build.log"
for product in fuzz-seeds "${targets[@]}"; do
    "${build[@]}" --product "$product" >>"$work/build.log" 2>&1 \
        || { grep -v "Cannot export local symbol" "$work/build.log" >&2; exit 2; }
done
bin="$("${build[@]}" --show-bin-path)"

rm -rf "$work/seeds"
"$bin/fuzz-seeds" Fixtures "$work/seeds" >/dev/null

# Swift's lazy globals look leaked to LeakSanitizer (see the file); real leaks still fail the run.
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
limits=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1)
[ "$seconds" != 0 ] && limits+=("-max_total_time=$seconds")
[ -n "$runs" ] && limits+=("-runs=$runs")
status=0
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    crashes="$work/crashes/$target"
    log="$work/logs/$target.log"
    mkdir -p "$corpus" "$crashes" "$work/seeds/$target"
    seed_dirs=("$work/seeds/$target")
    [ -d "Fuzz/Seeds/$target" ] && seed_dirs+=("Fuzz/Seeds/$target")
    dictionary=()
    [ -f "Fuzz/Dictionaries/$target.dict" ] && dictionary=("-dict=Fuzz/Dictionaries/$target.dict")
    started=$(date +%s.%N)
    result=0
    "$bin/$target" "${limits[@]}" "${dictionary[@]}" -artifact_prefix="$crashes/" "$corpus" "${seed_dirs[@]}" \
        >"$log" 2>&1 || result=$?
    wall=$(awk -v start="$started" -v end="$(date +%s.%N)" 'BEGIN { printf "%.0f", end - start }')
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
    corpus_size=$(find "$corpus" -type f | wc -l)
    line=$(printf '%-22s %10s runs in %6s s, %6s exec/s, %s, corpus %s' "$target" "${executions:-?}" \
        "$wall" "${speed:-?}" "${coverage:-no coverage}" "$corpus_size")
    if [ "$result" -eq 0 ]; then
        echo "PASS $line"
    else
        status=1
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        kind=$(grep -o -m1 -E 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): .*' "$log" || true)
        echo "FAIL $line"
        echo "     ${kind:-exit status $result}; input: ${artifact:-none written}; log: $log"
        grep -m3 -E 'Fatal error|Precondition failed|SUMMARY' "$log" | sed 's/^/     /' || true
        [ -n "$artifact" ] && [ -f "$artifact" ] && echo "     hex: $(head -c 512 "$artifact" | od -An -tx1 | tr -d ' \n')"
    fi
done
exit $status
