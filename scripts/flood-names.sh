#!/usr/bin/env bash
# Floods a running ves-agent with distinct collectd names over UDP (scripts/flood_names.py) while one real series
# (compute-0 load) keeps reporting, samples the agent's resident memory from /proc every second, and checks that
# the real series still reaches the listener once the flood's series have expired.
# Environment: VES_FLOOD_NAMES (default 10000000), VES_FLOOD_MAX_SERIES (the agent's MaxSeries, default 1000000),
# VES_FLOOD_EXPIRE (the agent's ExpireIntervals at SendEventInterval 2, default 3; 0 keeps series, so MaxSeries binds),
# VES_FLOOD_RATE (datagrams a second, default 0: as fast as the socket takes them; a debug build needs a few
# thousand), VES_FLOOD_DIR (default out/flood), VES_BIN (a folder with ves-agent and ves-listener; default: build them).
# Prints the agent's counters, its peak resident memory (VmHWM) and 'PASS' or 'FAIL' lines; exits 1 on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_prepare

names="${VES_FLOOD_NAMES:-10000000}"
max_series="${VES_FLOOD_MAX_SERIES:-1000000}"
rate="${VES_FLOOD_RATE:-0}"
out="${VES_FLOOD_DIR:-out/flood}"
interval=2
expire="${VES_FLOOD_EXPIRE:-3}"
mkdir -p "$out"
rm -f "$out"/*.out "$out"/*.err "$out/record.jsonl" "$out/junit.xml" "$out/memory.txt"
if [ -z "${VES_BIN:-}" ]; then ves_build "$out"; fi
bin="$VES_BIN"
ves_trap_cleanup flood-names

ves_start_listener "$out"
port="${VES_LISTENER_URL##*:}"
"$bin/ves-agent" --port "$port" --listen 127.0.0.1:0 --guest-running --hostname compute-0 \
    --send-event-interval "$interval" --expire-intervals "$expire" --max-series "$max_series" \
    --log-level warning --print-stats >"$out/agent.out" 2>"$out/agent.err" &
agent=$!
ves_track "$agent"
agent_port="$(ves_first_port "$out/agent.out" "$agent")"
echo "ves-agent pid $agent on udp 127.0.0.1:$agent_port, MaxSeries $max_series, $names names"
grep VmRSS /proc/"$agent"/status | awk '{ print "resident at start: " $2 " kB" }'

(while kill -0 "$agent" 2>/dev/null; do
    awk -v t="$(date +%s)" '/VmRSS|VmHWM/ { printf "%s %s %s ", t, $1, $2 } END { print "" }' \
        /proc/"$agent"/status >>"$out/memory.txt" 2>/dev/null || true
    sleep 1
done) &
ves_track $!

# the tail outlasts expiry (ExpireIntervals x SendEventInterval) by a few ticks, so the real series flows again
tail_seconds=$((interval * (expire + 4)))
python3 scripts/flood_names.py 127.0.0.1 "$agent_port" "$names" "$tail_seconds" "$rate" | tee "$out/sender.out"
last_sequence="$(sed -n 's/^real: last sequence //p' "$out/sender.out")"
sleep "$interval"
peak="$(awk '/VmHWM/ { print $2 }' /proc/"$agent"/status)"
resident="$(awk '/VmRSS/ { print $2 }' /proc/"$agent"/status)"
kill -TERM "$agent"
wait "$agent" || true
stats="$(tail -1 "$out/agent.out")"
echo "ves-agent: $stats"
echo "ves-agent peak resident (VmHWM): $((peak / 1024)) MiB; resident after the flood's series expired: $((resident / 1024)) MiB"

status=0
python3 - "$out/record.jsonl" "$last_sequence" <<'PY' || status=1
import json, sys
path, last = sys.argv[1], int(sys.argv[2])
seen = []
with open(path) as records:
    for line in records:
        event = json.loads(line).get("event") or {}
        for group in (event.get("measurementsForVfScalingFields") or {}).get("additionalMeasurements") or []:
            if group.get("name") == "load":
                seen += [float(m["value"]) for m in group["measurements"] if m["name"] == "load-shortterm"]
ok = bool(seen) and max(seen) >= last - 4 * 2 / 0.25
print("%s real series   %d events carried compute-0's load; highest sequence %s of %d sent"
      % ("PASS" if ok else "FAIL", len(seen), int(max(seen)) if seen else "none", last))
sys.exit(0 if ok else 1)
PY
exit "$status"
