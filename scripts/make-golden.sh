#!/usr/bin/env bash
# Regenerates Fixtures/golden: the events the reference plugin sends for every trace in Fixtures/traces, in
# virt mode and in GuestRunning mode, made by ../shared/reference/seed_oracle.py (host name compute-0,
# SendEventInterval 20, a last tick at the end). The runner's complaints (a tick where the plugin raised) go to
# a .log file beside each golden file; the differential tests read both.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${VES_SHARED_DIR:-$root/../shared}"
out="$root/Fixtures/golden"
mkdir -p "$out"
for trace in "$root"/Fixtures/traces/*.jsonl; do
    name="$(basename "$trace" .jsonl)"
    for mode in virt guest; do
        guest=false
        [ "$mode" = guest ] && guest=true
        python3 "$shared/reference/seed_oracle.py" --plugin "$shared/seed/ves_plugin.py" \
            --types-db "$shared/collectd/types.db" --hostname compute-0 --interval 20 --final-tick \
            --config "GuestRunning=$guest" <"$trace" >"$out/$name.$mode.jsonl" 2>"$out/$name.$mode.log"
        echo "$name.$mode: $(wc -l <"$out/$name.$mode.jsonl") events, $(grep -c 'raised' "$out/$name.$mode.log" || true) ticks where the plugin raised"
    done
done
