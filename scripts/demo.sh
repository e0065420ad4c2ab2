#!/usr/bin/env bash
# The main job, on bundled traces: ves-listener, ves-agent and two ves-replay streams, Fixtures/traces/virt-3vms.jsonl
# (three VMs) and Fixtures/traces/threshold.jsonl (a real collectd whose thresholds fire), both moved to start now and
# played at ten times their recorded pace, as two live collectd hosts would send. The agent ticks on the wall clock
# every 2 s (the plugin's 20 s at x10). A live summary while it runs; at the end the listener's report, the agent's
# counters and where the record and JUnit files are.
# Environment: VES_DEMO_DIR (default out/demo), VES_DEMO_SPEED (default 10, at most 20: the agent's SendEventInterval
# is at least 1 s).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_install_packages "${VES_DEBIAN_PACKAGES[@]}" curl
ves_require_swift

out="${VES_DEMO_DIR:-out/demo}"
speed="${VES_DEMO_SPEED:-10}"
if ! awk -v speed="$speed" 'BEGIN { exit !(speed + 0 > 0 && speed + 0 <= 20) }'; then
    echo "demo.sh: VES_DEMO_SPEED must be a number above 0 and at most 20 (the agent ticks at least a second apart)" >&2
    exit 64
fi
traces=(Fixtures/traces/virt-3vms.jsonl Fixtures/traces/threshold.jsonl)
mkdir -p "$out"
record="$out/record.jsonl"
rm -f "$out"/*.out "$out"/*.err "$record" "$out/junit.xml"

ves_build "$out"
bin="$VES_BIN"
ves_trap_cleanup demo

ves_start_listener "$out"
listener="$VES_LISTENER_PID"
base="$VES_LISTENER_URL"
port="${base##*:}"
echo "ves-listener: $base"

interval="$(awk -v speed="$speed" 'BEGIN { printf "%g", 20 / speed }')"
"$bin/ves-agent" --port "$port" --listen 127.0.0.1:0 --send-event-interval "$interval" --hostname compute-0 --print-stats \
    --log-level warning >"$out/agent.out" 2>"$out/agent.err" &
agent=$!
ves_track "$agent"
agent_address="$(ves_first_line "$out/agent.out" "$agent" | sed 's/^listening on //')"
echo "ves-agent:    $agent_address -> $base/eventListener/v1 (SendEventInterval $interval s)"
replays=()
for trace in "${traces[@]}"; do
    name="$(basename "$trace" .jsonl)"
    "$bin/ves-replay" send --to "$agent_address" --speed "$speed" --shift-time now --no-progress "$trace" \
        >"$out/replay-$name.out" 2>"$out/replay-$name.err" &
    replays+=($!)
    ves_track $!
    echo "ves-replay:   $trace at x$speed"
done
echo

eol='\n'
[ -t 1 ] && eol='\r'
summary() {
    local stats
    stats="$(curl -fsS "$base/testControl/v1/stats" 2>/dev/null || true)"
    kill -USR1 "$agent" 2>/dev/null || true
    sleep 0.1
    printf "%s  listener: %s  agent: %s$eol" "$(date +%T)" \
        "$(echo "$stats" | sed -E 's/.*"events":([0-9]+),"valid":([0-9]+),"invalid":([0-9]+).*/\1 events, \2 valid, \3 invalid/')" \
        "$(tail -1 "$out/agent.out" | sed -E 's/^received ([0-9]+) datagrams \(([0-9]+) bad\), ([0-9]+) value lists, ([0-9]+) notifications.*; ([0-9]+) ticks, ([0-9]+) events built, ([0-9]+) sent.*/\3 value lists, \4 notifications, \5 ticks, \7 events sent/')"
}
running() { for pid in "${replays[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }
while running; do
    summary
    sleep 1
done
wait "${replays[@]}"
# one more tick for the last values, then the agent drains its queue and exits
sleep "$interval"
kill -TERM "$agent"
wait "$agent" || true
summary
echo
echo

kill -INT "$listener"
wait "$listener" || true
for trace in "${traces[@]}"; do
    echo "ves-replay $(basename "$trace"): $(tail -1 "$out/replay-$(basename "$trace" .jsonl).out")"
done
echo "ves-agent:  $(tail -1 "$out/agent.out")"
echo
echo "ves-listener report:"
sed -n '2,$p' "$out/listener.out"
echo "each record line holds an event as received, its verdict and every JSON pointer of what was wrong: $record"
