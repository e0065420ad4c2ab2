#!/usr/bin/env bash
# Runs the benchmarks in a release build and prints what BENCHMARKS.md records.
# Usage: scripts/bench.sh [all|listener|collectd]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_install_packages "${VES_DEBIAN_PACKAGES[@]}" wrk
ves_require_python
ves_require_swift
python3 -c "import jsonschema" 2>/dev/null || python3 -m pip install -q jsonschema

root=$(pwd)
shared="${VES_SHARED_DIR:-$root/../shared}"
what="${1:-all}"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(date -u +%Y-%m-%d)"
# the benchmark package caches its path dependency's file list; a touched manifest makes it look again
touch Benchmarks/Package.swift
swift build -c release --package-path Benchmarks
bench="$(swift build -c release --package-path Benchmarks --show-bin-path)/ves-benchmarks"

if [ "$what" = all ] || [ "$what" = listener ]; then
    "$bench" listener \
        --event "$root/Fixtures/model/measurement-1.3k.json" \
        --official-schema "$shared/ves/schemas/ves-1.1_att-2016-06_event_format_updated.json" \
        --python-script "$root/Benchmarks/python/jsonschema_rate.py"
fi

if [ "$what" = all ] || [ "$what" = collectd ]; then
    "$bench" collectd \
        --trace "$root/Fixtures/traces/host.jsonl" \
        --trace "$root/Fixtures/traces/guest.jsonl" \
        --trace "$root/Fixtures/traces/threshold.jsonl" \
        --python-decoder "$shared/reference/collectd_decode.py"
fi
