#!/usr/bin/env bash
# Runs the benchmarks in a release build and prints what BENCHMARKS.md records.
# Usage: scripts/bench.sh [all|listener|listener-7|batch|validation|collectd|agent|replay]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_install_packages "${VES_DEBIAN_PACKAGES[@]}" wrk
ves_require_python
ves_require_swift
python3 -c "import jsonschema, referencing, yaml" 2>/dev/null || python3 -m pip install -q jsonschema referencing PyYAML

root=$(pwd)
shared="${VES_SHARED_DIR:-$root/../shared}"
what="${1:-all}"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(date -u +%Y-%m-%d)"
# the benchmark package caches its path dependency's file list; a touched manifest makes it look again
touch Benchmarks/Package.swift
swift build -c release --package-path Benchmarks
bench="$(swift build -c release --package-path Benchmarks --show-bin-path)/ves-benchmarks"

# A release ves-listener (with any arguments given) and a ves-agent posting to it every 10 s, in $work; sets
# listener, agent and agent_port (the agent's UDP port).
start_listener_and_agent() {
    "$bin/ves-listener" --port 0 "$@" >"$work/listener.out" 2>/dev/null &
    listener=$!
    until [ -s "$work/listener.out" ]; do sleep 0.1; done
    local listener_port
    listener_port="$(head -1 "$work/listener.out" | sed 's/.*://')"
    "$bin/ves-agent" --port "$listener_port" --listen 127.0.0.1:0 --send-event-interval 10 --log-level warning \
        >"$work/agent.out" 2>"$work/agent.err" &
    agent=$!
    until [ -s "$work/agent.out" ]; do sleep 0.1; done
    agent_port="$(head -1 "$work/agent.out" | sed 's/.*://')"
}

if [ "$what" = all ] || [ "$what" = listener ]; then
    "$bench" listener \
        --event "$root/Fixtures/model/measurement-1.3k.json" \
        --official-schema "$shared/ves/schemas/ves-1.1_att-2016-06_event_format_updated.json" \
        --python-script "$root/Benchmarks/python/jsonschema_rate.py"
fi

if [ "$what" = all ] || [ "$what" = listener-7 ]; then
    # 7.2.1 over HTTP (one event, batches of 10, 100 and 1000, stndDefined with its 3GPP data), then the O-RAN SC
    # collector with the same load and event when its start script is there (it says why when it cannot start)
    peer=()
    if [ -f "$shared/peers/smo-ves/run-collector.sh" ]; then
        peer=(--peer-script "$shared/peers/smo-ves/run-collector.sh")
    else
        echo "O-RAN SC collector: skipped, $shared/peers/smo-ves/run-collector.sh is missing"
    fi
    "$bench" listener-7 \
        --measurement "$root/Fixtures/model/measurement-7.2.1.json" \
        --stnd-defined-event "$root/Fixtures/model/stnd-defined-alarm-7.2.1.json" \
        --stnd-defined "$shared/ves/3gpp" "${peer[@]}"
fi

if [ "$what" = all ] || [ "$what" = batch ]; then
    "$bench" batch --event "$root/Fixtures/model/measurement-1.3k.json"
fi

if [ "$what" = all ] || [ "$what" = validation ]; then
    "$bench" validation-7 \
        --measurement "$root/Fixtures/model/measurement-7.2.1.json" \
        --stnd-defined-event "$root/Fixtures/model/stnd-defined-alarm-7.2.1.json" \
        --stnd-defined "$shared/ves/3gpp" \
        --official-schema "$shared/ves/schemas/CommonEventFormat_30.2.1_ONAP.json" \
        --python-script "$root/Benchmarks/python/stnd_defined_rate.py"
fi

if [ "$what" = all ] || [ "$what" = collectd ]; then
    "$bench" collectd \
        --trace "$root/Fixtures/traces/host.jsonl" \
        --trace "$root/Fixtures/traces/guest.jsonl" \
        --trace "$root/Fixtures/traces/threshold.jsonl" \
        --python-decoder "$shared/reference/collectd_decode.py"
fi

if [ "$what" = all ] || [ "$what" = agent ]; then
    "$bench" agent \
        --oracle "$shared/reference/seed_oracle.py" \
        --plugin "$shared/seed/ves_plugin.py" \
        --types-db "$shared/collectd/types.db"
    "$bench" agent-memory
    # The real daemon with 100,000 series (10,000 VMs x 10), fed over UDP by ves-replay at 5x the recorded pace
    # while it ticks every 10 s and posts to a real ves-listener; its resident memory once the traffic stopped.
    swift build -c release --package-path Benchmarks --product ves-agent >/dev/null
    swift build -c release --package-path Benchmarks --product ves-listener >/dev/null
    swift build -c release --package-path Benchmarks --product ves-replay >/dev/null
    bin="$(swift build -c release --package-path Benchmarks --show-bin-path)"
    work="$(mktemp -d)"
    trap 'kill $agent $listener 2>/dev/null || true; rm -rf "$work"' EXIT
    "$bin/ves-replay" generate --out "$work/trace.jsonl" --vms 10000 --vcpus 1 --interfaces 1 --disks 1 \
        --duration 60 --interval 10 >/dev/null
    start_listener_and_agent
    start_rss="$(awk '/VmRSS/ {print $2}' /proc/$agent/status)"
    # resident memory counts the code pages of the program and its libraries (Foundation, libcurl, OpenSSL), which
    # do not grow with the series; the anonymous part is the program's own data
    start_anon="$(awk '/^Anonymous/ {print $2}' /proc/$agent/smaps_rollup)"
    "$bin/ves-replay" send --to "udp://127.0.0.1:$agent_port" --speed 5 --shift-time now --no-progress \
        "$work/trace.jsonl" >/dev/null
    # wait until the queue is drained, then read the memory
    for _ in $(seq 1 120); do
        sleep 1
        kill -USR1 "$agent"
        sleep 0.2
        tail -1 "$work/agent.out" | grep -q "queue 0" && break
    done
    sleep 3
    rss="$(awk '/VmRSS/ {print $2}' /proc/$agent/status)"
    peak="$(awk '/VmHWM/ {print $2}' /proc/$agent/status)"
    anon="$(awk '/^Anonymous/ {print $2}' /proc/$agent/smaps_rollup)"
    kill -USR1 "$agent"
    sleep 0.2
    echo "ves-agent process: $(tail -1 "$work/agent.out")"
    awk -v start="$start_rss" -v rss="$rss" -v peak="$peak" -v start_anon="$start_anon" -v anon="$anon" 'BEGIN {
        printf "ves-agent process with 100000 series: resident %.1f MB (%.1f MB at start, %.1f MB at the peak of a tick of 10000 events); anonymous (its own data) %.1f MB (%.1f MB at start)\n",
            rss / 1024, start / 1024, peak / 1024, anon / 1024, start_anon / 1024 }'
    kill "$agent" "$listener"
    wait "$agent" "$listener" 2>/dev/null || true
fi

if [ "$what" = all ] || [ "$what" = replay ]; then
    # ves-replay send --speed max into the real ves-agent over loopback UDP, paced to the agent's socket queue (the
    # default) at 1x, 10x and 100x a 111,100-value-list trace (100 VMs x 11 series x 101 samples, looped), then
    # unpaced at 10x for comparison; what the agent counted tells what was lost.
    for product in ves-agent ves-listener ves-replay; do
        swift build -c release --package-path Benchmarks --product "$product" >/dev/null
    done
    bin="$(swift build -c release --package-path Benchmarks --show-bin-path)"
    work="$(mktemp -d)"
    trap 'kill $agent $listener 2>/dev/null || true; rm -rf "$work"' EXIT
    "$bin/ves-replay" generate --out "$work/trace.jsonl" --vms 100 --duration 1000 --interval 10 >/dev/null
    start_listener_and_agent --max-records 1000
    # the agent's count of value lists received, once it stopped growing
    agent_lists() {
        local last=-1 now
        while true; do
            kill -USR1 "$agent"
            sleep 0.3
            now="$(tail -1 "$work/agent.out" | sed -n 's/.* datagrams (.* bad), \([0-9]*\) value lists.*/\1/p')"
            [ "$now" = "$last" ] && break
            last="$now"
        done
        echo "$now"
    }
    before="$(agent_lists)"
    for run in "1" "10" "100" "10 --no-receiver-pacing"; do
        read -r loops pacing <<<"$run"
        "$bin/ves-replay" send --to "udp://127.0.0.1:$agent_port" --speed max --loop "$loops" --no-progress \
            $pacing "$work/trace.jsonl" >"$work/replay.out"
        after="$(agent_lists)"
        sent_line="$(tail -1 "$work/replay.out")"
        sent="$(echo "$sent_line" | sed -n 's/^sent \([0-9]*\) value lists.*/\1/p')"
        seconds="$(echo "$sent_line" | sed -n 's/.* in \([0-9.]*\) s$/\1/p')"
        awk -v sent="$sent" -v s="$seconds" -v got="$((after - before))" -v mode="${pacing:-paced (default)}" \
            'BEGIN { printf "ves-replay send --speed max into ves-agent, %s: %d value lists in %.2f s, %.0f value lists/s; the agent received %d, lost %d (%.2f%%)\n",
                mode, sent, s, sent / s, got, sent - got, (sent - got) * 100 / sent }'
        before="$after"
    done
    kill "$agent" "$listener"
    wait "$agent" "$listener" 2>/dev/null || true
fi
