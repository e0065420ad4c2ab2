#!/usr/bin/env bash
# Runs the benchmarks in a release build and prints what BENCHMARKS.md records.
# Usage: scripts/bench.sh [all|listener|listener-7|batch|validation|collectd|agent|agent-send|replay]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_install_packages "${VES_DEBIAN_PACKAGES[@]}" wrk time
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

# Release ves-agent, ves-listener and ves-replay; sets bin, and work: a temporary directory, removed at exit, when
# the programs started are stopped
build_programs() {
    for product in ves-agent ves-listener ves-replay; do
        swift build -c release --package-path Benchmarks --product "$product" >/dev/null
    done
    bin="$(swift build -c release --package-path Benchmarks --show-bin-path)"
    work="$(mktemp -d)"
    trap 'kill ${agent:-} ${listener:-} ${bare:-} 2>/dev/null || true; rm -rf "$work"' EXIT
}

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
    "$bench" validation-5 \
        --event "$root/Fixtures/model/measurement-5.4.1-1.3k.json" \
        --official-schema "$shared/ves/schemas/CommonEventFormat_28.4.1.json" \
        --python-script "$root/Benchmarks/python/jsonschema_rate.py"
    "$bench" validation-7 \
        --measurement "$root/Fixtures/model/measurement-7.2.1.json" \
        --same-size-measurement "$root/Fixtures/model/measurement-7.2.1-1.3k.json" \
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
    # a million series, each process on its own so the figures do not mix
    "$bench" agent-memory --vms 100000
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

if [ "$what" = all ] || [ "$what" = agent-send ]; then
    # ves-agent posting with BatchSize 1 into ves-listener (every event validated and recorded) on 1 to 32
    # connections: first a backlog of ten 10,000-VM ticks (VMs on 200 hosts, so 200 sources) drained as fast as it
    # goes, then a 10,000-VM site replayed in real time at SendEventInterval 2 for 60 s, its queue read every 2 s
    build_programs
    "$bin/ves-replay" generate --out "$work/backlog.jsonl" --vms 10000 --hosts 200 --interval 2 --duration 20 \
        >/dev/null
    "$bin/ves-replay" generate --out "$work/site.jsonl" --vms 10000 --hosts 200 --interval 2 --duration 60 >/dev/null
    "$bin/ves-listener" --port 0 --max-records 1000 >"$work/listener.out" 2>/dev/null &
    listener=$!
    until [ -s "$work/listener.out" ]; do sleep 0.1; done
    listener_port="$(head -1 "$work/listener.out" | sed 's/.*://')"
    # starts an agent with the given options; sets agent and agent_port
    start_agent() {
        # a new file: the shell truncates the old one only once the agent's process has started
        rm -f "$work/agent.out"
        "$bin/ves-agent" --port "$listener_port" --listen 127.0.0.1:0 --send-event-interval 2 --queue-size 200000 \
            --log-level warning "$@" >"$work/agent.out" 2>"$work/agent.err" &
        agent=$!
        until [ -s "$work/agent.out" ]; do sleep 0.05; done
        agent_port="$(head -1 "$work/agent.out" | sed 's/.*://')"
    }
    # the agent's counters line (SIGUSR1), once it is printed; sets built, sent and queue
    agent_counters() {
        local lines
        lines="$(wc -l <"$work/agent.out")"
        kill -USR1 "$agent"
        while [ "$(wc -l <"$work/agent.out")" -le "$lines" ]; do sleep 0.01; done
        local line
        line="$(tail -1 "$work/agent.out")"
        built="$(echo "$line" | sed -n 's/.* \([0-9]*\) events built.*/\1/p')"
        sent="$(echo "$line" | sed -n 's/.* events built, \([0-9]*\) sent.*/\1/p')"
        queue="$(echo "$line" | sed -n 's/.*queue \([0-9]*\).*/\1/p')"
    }
    # CPU seconds a process has used (user and system)
    cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
    # drains the backlog through an agent on $1 connections into the server on port $2 (process $3, named $4)
    drain_backlog() {
        local connections="$1" sink_name="$4"
        listener_port="$2"
        start_agent --clock trace --connections "$connections"
        "$bin/ves-replay" send --to "udp://127.0.0.1:$agent_port" --speed max --no-progress "$work/backlog.jsonl" \
            >/dev/null &
        replay=$!
        local first="" first_sent=0 last_sent="" last_time="" agent_cpu0=0 sink_cpu0=0 agent_cpu1 sink_cpu1
        while true; do
            agent_counters
            now="$(date +%s.%N)"
            if [ -z "$first" ] && [ "$sent" -gt 0 ]; then
                first="$now" first_sent="$sent" agent_cpu0="$(cpu_seconds "$agent")" sink_cpu0="$(cpu_seconds "$3")"
            fi
            if ! kill -0 "$replay" 2>/dev/null && [ "$queue" = 0 ] && [ "$sent" = "$last_sent" ]; then break; fi
            last_sent="$sent" last_time="$now" agent_cpu1="$(cpu_seconds "$agent")" sink_cpu1="$(cpu_seconds "$3")"
            sleep 0.2
        done
        wait "$replay" || true
        peak="$(awk '/VmHWM/ {print $2}' /proc/$agent/status)"
        awk -v c="$connections" -v n="$((sent - first_sent))" -v t0="$first" -v t1="$last_time" -v all="$sent" \
            -v built="$built" -v peak="$peak" -v sink="$sink_name" -v a0="$agent_cpu0" -v a1="$agent_cpu1" \
            -v s0="$sink_cpu0" -v s1="$sink_cpu1" \
            'BEGIN { printf "ves-agent --batch-size 1 --connections %d into %s: %d events in %.2f s, %.0f events/s; CPU per event: agent %.0f us, %s %.0f us; %d of %d built sent; agent peak resident %.1f MB\n",
                c, sink, n, t1 - t0, n / (t1 - t0), (a1 - a0) * 1e6 / n, sink, (s1 - s0) * 1e6 / n, all, built, peak / 1024 }'
        kill "$agent"
        wait "$agent" 2>/dev/null || true
    }
    ves_listener_port="$listener_port"
    for connections in 1 4 8 16 32; do
        drain_backlog "$connections" "$ves_listener_port" "$listener" "ves-listener (1.1, validated and recorded)"
    done
    # the same into the bare Hummingbird server (reads each body, answers 202): what the agent can post at all
    "$bench" bare-server >"$work/bare.out" 2>/dev/null &
    bare=$!
    until [ -s "$work/bare.out" ]; do sleep 0.1; done
    bare_port="$(head -1 "$work/bare.out" | sed 's/.*://')"
    for connections in 1 4 8 16 32; do
        drain_backlog "$connections" "$bare_port" "$bare" "the bare server"
    done
    kill "$bare"
    wait "$bare" 2>/dev/null || true
    listener_port="$ves_listener_port"
    for connections in 1 4; do
        start_agent --connections "$connections"
        "$bin/ves-replay" send --to "udp://127.0.0.1:$agent_port" --speed 1 --shift-time now --no-progress \
            "$work/site.jsonl" >/dev/null &
        replay=$!
        depths=()
        while kill -0 "$replay" 2>/dev/null; do
            sleep 2
            agent_counters
            depths+=("$queue")
        done
        wait "$replay" || true
        echo "ves-agent --connections $connections, 10000 VMs (200 hosts) in real time at SendEventInterval 2 for 60 s:" \
            "$built events built, $sent sent; queue every 2 s: ${depths[*]}"
        kill "$agent"
        wait "$agent" 2>/dev/null || true
    done
    kill "$listener"
    wait "$listener" 2>/dev/null || true
fi

if [ "$what" = all ] || [ "$what" = replay ]; then
    # ves-replay send --speed max into the real ves-agent over loopback UDP, paced to the agent's socket queue (the
    # default) at 1x, 10x and 100x a 111,100-value-list trace (100 VMs x 11 series x 101 samples, looped), then
    # unpaced at 10x for comparison, then streamed from its file (--stream) at 1x and 10x, and a trace ten times as
    # large (1,000 VMs, 253 MB: over the size that is always streamed); what the agent counted tells what was lost.
    build_programs
    "$bin/ves-replay" generate --out "$work/trace.jsonl" --vms 100 --duration 1000 --interval 10 >/dev/null
    "$bin/ves-replay" generate --out "$work/large.jsonl" --vms 1000 --duration 1000 --interval 10 >/dev/null
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
    for run in "1|trace|" "10|trace|" "100|trace|" "10|trace|--no-receiver-pacing" "1|trace|--stream" \
        "10|trace|--stream" "1|large|"; do
        IFS='|' read -r loops trace extra <<<"$run"
        size_mb="$(du -m "$work/$trace.jsonl" | cut -f1)"
        mode="$trace.jsonl $size_mb MB x$loops, $([ "$extra" = --no-receiver-pacing ] && echo unpaced || echo paced)"
        # --stream, or a trace over 128 MiB: read as it is sent
        if [ "$extra" = --stream ] || [ "$size_mb" -gt 128 ]; then mode="$mode, streamed"; else mode="$mode, loaded"; fi
        # the agent's peak resident size counts from here (clear_refs 5 resets VmHWM)
        echo 5 >"/proc/$agent/clear_refs"
        /usr/bin/time -f '%M %e' -o "$work/replay.rss" \
            "$bin/ves-replay" send --to "udp://127.0.0.1:$agent_port" --speed max --loop "$loops" --no-progress \
            $extra "$work/$trace.jsonl" >"$work/replay.out" 2>/dev/null
        after="$(agent_lists)"
        read -r replay_peak wall <<<"$(tail -1 "$work/replay.rss")"
        agent_peak="$(awk '/VmHWM/ {print $2}' "/proc/$agent/status")"
        sent_line="$(tail -1 "$work/replay.out")"
        sent="$(echo "$sent_line" | sed -n 's/^sent \([0-9]*\) value lists.*/\1/p')"
        seconds="$(echo "$sent_line" | sed -n 's/.* in \([0-9.]*\) s$/\1/p')"
        awk -v sent="$sent" -v s="$seconds" -v got="$((after - before))" -v mode="$mode" \
            -v rp="$replay_peak" -v ap="$agent_peak" -v wall="$wall" \
            'BEGIN { printf "ves-replay send --speed max into ves-agent, %s: %d value lists sent in %.2f s (%.2f s with loading or the streaming check), %.0f value lists/s; the agent received %d, lost %d (%.2f%%); peak resident: ves-replay %.1f MB, ves-agent %.1f MB\n",
                mode, sent, s, wall, sent / s, got, sent - got, (sent - got) * 100 / sent, rp / 1024, ap / 1024 }'
        before="$after"
    done
    kill "$agent" "$listener"
    wait "$agent" "$listener" 2>/dev/null || true
fi
