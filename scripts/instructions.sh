#!/usr/bin/env bash
# Counts the instructions of fixed work (valgrind's callgrind, which does not depend on how busy the machine is)
# and compares them with Benchmarks/instructions.txt: more than the tolerance above the stored count fails.
# Usage: scripts/instructions.sh [--update] [--tolerance PERCENT]   (default 10)
#   --update  writes the counts of this run as the new stored ones (after a change that is meant to cost more, or
#             that made the work cheaper)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_install_packages "${VES_DEBIAN_PACKAGES[@]}" valgrind binutils
ves_require_swift

update=0
tolerance=10
while [ $# -gt 0 ]; do
    case "$1" in
    --update) update=1 ;;
    --tolerance)
        tolerance="${2:?--tolerance needs a percentage}"
        shift
        ;;
    *)
        echo "usage: scripts/instructions.sh [--update] [--tolerance PERCENT]" >&2
        exit 2
        ;;
    esac
    shift
done
[[ "$tolerance" =~ ^[0-9]+$ ]] && [ "$tolerance" -ge 1 ] && [ "$tolerance" -le 100 ] ||
    { echo "--tolerance takes a whole percentage from 1 to 100" >&2; exit 2; }

baseline=Benchmarks/instructions.txt
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
touch Benchmarks/Package.swift
swift build -c release --package-path Benchmarks --product ves-instructions >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; exit 1; }
# valgrind 3.19 cannot read the DWARF 5 the Swift compiler writes; the symbols it needs stay
cp "$(swift build -c release --package-path Benchmarks --show-bin-path)/ves-instructions" "$work/ves-instructions"
strip --strip-debug "$work/ves-instructions"

workloads=(
    "validate-1.1 Fixtures/model/measurement-1.3k.json"
    "validate-7.2.1 Fixtures/model/measurement-7.2.1.json"
    "decode Fixtures/traces/host.jsonl Fixtures/traces/guest.jsonl Fixtures/traces/threshold.jsonl"
    "tick"
    "ingest"
)
toolchain="$(swift --version 2>/dev/null | head -1)"
status=0
results=()
for workload in "${workloads[@]}"; do
    name="${workload%% *}"
    # shellcheck disable=SC2086 # the workload's words are its arguments
    if ! SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --collect-atstart=no \
        --toggle-collect='*countedWork*' --callgrind-out-file="$work/callgrind.out" \
        "$work/ves-instructions" $workload >"$work/out" 2>"$work/err"; then
        echo "$name: valgrind failed:" >&2
        tail -5 "$work/err" >&2
        exit 1
    fi
    count="$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$work/err")"
    [ -n "$count" ] || { echo "$name: no count in valgrind's output" >&2; exit 1; }
    results+=("$name $count")
    stored="$(awk -v name="$name" '$1 == name { print $2 }' "$baseline" 2>/dev/null || true)"
    if [ -z "$stored" ]; then
        printf '%-16s %14d instructions (none stored)\n' "$name" "$count"
        continue
    fi
    verdict="$(awk -v now="$count" -v was="$stored" -v tol="$tolerance" 'BEGIN {
        change = (now - was) * 100 / was
        if (change > tol) word = "SLOWER"; else if (change < -tol) word = "faster (store it with --update)"; else word = "ok"
        printf "%+.1f%% %s", change, word }')"
    printf '%-16s %14d instructions, stored %14d: %s\n' "$name" "$count" "$stored" "$verdict"
    case "$verdict" in *SLOWER*) status=1 ;; esac
done
if grep -q "^# toolchain: " "$baseline" 2>/dev/null && ! grep -qF "# toolchain: $toolchain" "$baseline"; then
    echo "note: the stored counts were made with $(sed -n 's/^# toolchain: //p' "$baseline"); this is $toolchain"
fi
if [ "$update" = 1 ]; then
    {
        echo "# Instructions of fixed work, counted by scripts/instructions.sh (valgrind callgrind, release build)."
        echo "# Written with --update on $(date -u +%Y-%m-%d); a run more than the tolerance above these fails."
        echo "# toolchain: $toolchain"
        printf '%s\n' "${results[@]}"
    } >"$baseline"
    echo "stored in $baseline"
    status=0
fi
[ "$status" = 0 ] || echo "more than $tolerance% above the stored count: a hot path got slower (or store the new counts with --update if that is meant)"
exit $status
