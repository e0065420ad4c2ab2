#!/usr/bin/env bash
# A real collectd through ves-agent into ves-listener: collectd (Debian's collectd-core) on loopback with
# Interval 1, cpu, the aggregation plugin's cpu-aggregation, memory, interface, load and a threshold that fires,
# its network plugin sending each datagram to the agent (GuestRunning, wall clock, SendEventInterval 2) and to
# `ves-replay record`, once plain and once with SecurityLevel Encrypt; the listener answers 503 to the first posts
# of the plain run. After about 15 s per run it checks the cadence, that every event is valid, that each threshold
# notification became a fault event, and that nothing was lost between collectd and the listener (the agent got
# every value list collectd sent, and the events carry collectd's numbers).
# Prints one line per check and 'N passed, M failed' last; exits 1 if any check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_prepare collectd-core curl
seconds="${VES_E2E_SECONDS:-15}"
interval=2

work="${VES_E2E_DIR:-out/e2e-collectd}"
rm -rf "$work"
mkdir -p "$work"
ves_build "$work"
bin="$VES_BIN"
ves_trap_cleanup e2e-collectd

ves_start_listener "$work"
listener="$VES_LISTENER_PID"
listener_port="${VES_LISTENER_URL##*:}"
control="http://127.0.0.1:$listener_port/testControl/v1"

passed=0
failed=0
count() { # reads check lines, echoes them, counts them
    while IFS= read -r line; do
        echo "$line"
        case "$line" in PASS*) passed=$((passed + 1)) ;; FAIL*) failed=$((failed + 1)) ;; esac
    done
}

run() { # $1 plain|encrypt
    local security="$1" dir="$work/$1"
    mkdir -p "$dir"
    curl -fsS -X DELETE "$control/events" >/dev/null
    local agent_security=() recorder_security=()
    if [ "$security" = encrypt ]; then
        echo "collectd: s3cret" >"$dir/auth"
        agent_security=(--security-level Encrypt --auth-file "$dir/auth")
        recorder_security=(--security-level encrypt --auth-file "$dir/auth")
    else
        # the listener refuses the first posts: the agent must retry and lose nothing
        curl -fsS -X POST -H 'Content-Type: application/json' -d '{"status": 503, "count": 4}' "$control/faults" >/dev/null
    fi
    "$bin/ves-agent" --port "$listener_port" --listen 127.0.0.1:0 --guest-running --hostname compute-0 \
        --send-event-interval "$interval" --shutdown-timeout 30 "${agent_security[@]}" --print-stats \
        --log-level warning >"$dir/agent.out" 2>"$dir/agent.err" &
    local agent=$!
    ves_track "$agent"
    "$bin/ves-replay" record --listen udp://127.0.0.1:0 --out "$dir/collectd.jsonl" "${recorder_security[@]}" \
        >"$dir/recorder.out" 2>"$dir/recorder.err" &
    local recorder=$!
    ves_track "$recorder"
    local agent_port recorder_port
    agent_port="$(ves_first_port "$dir/agent.out" "$agent")"
    recorder_port="$(ves_first_port "$dir/recorder.out" "$recorder")"

    local servers=""
    for port in "$agent_port" "$recorder_port"; do
        if [ "$security" = encrypt ]; then
            servers="$servers
  <Server \"127.0.0.1\" \"$port\">
    SecurityLevel Encrypt
    Username \"collectd\"
    Password \"s3cret\"
  </Server>"
        else
            servers="$servers
  Server \"127.0.0.1\" \"$port\""
        fi
    done
    cat >"$dir/collectd.conf" <<CONF
Hostname "compute-0"
FQDNLookup false
Interval 1
BaseDir "$dir"
PIDFile "$dir/collectd.pid"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$dir/collectd.log"
</Plugin>
LoadPlugin cpu
LoadPlugin aggregation
LoadPlugin memory
LoadPlugin interface
LoadPlugin load
LoadPlugin threshold
LoadPlugin network
$(ves_collectd_cpu_aggregation)
<Plugin threshold>
  <Plugin "memory">
    <Type "memory">
      Instance "used"
      FailureMax 1024
      Persist true
    </Type>
  </Plugin>
</Plugin>
<Plugin network>$servers
</Plugin>
CONF
    collectd -f -C "$dir/collectd.conf" >"$dir/collectd.stdout" 2>&1 &
    local collectd=$!
    ves_track "$collectd"
    echo "collectd ($security) -> ves-agent udp/$agent_port -> ves-listener :$listener_port, for $seconds s ..." >&2
    sleep "$seconds"
    # collectd sends what it holds when it stops; then the agent ticks no more and drains its queue
    kill -TERM "$collectd"
    wait "$collectd" 2>/dev/null || true
    sleep 1
    kill -INT "$recorder"
    wait "$recorder" || true
    kill -TERM "$agent"
    wait "$agent" || true
    local stats built
    stats="$(tail -1 "$dir/agent.out")"
    built="$(echo "$stats" | sed -n 's/.* \([0-9]*\) events built.*/\1/p')"
    curl -fsS "$control/wait?count=${built:-1}&timeout=60" >/dev/null || true
    curl -fsS "$control/events?kind=event" >"$dir/events.json"
    echo "[$security]"
    python3 scripts/check_collectd_run.py "$dir/events.json" "$dir/collectd.jsonl" "$interval" "$stats" \
        "$(tail -1 "$dir/recorder.out")" >"$dir/checks.txt" || true
    count <"$dir/checks.txt"
}

run plain
run encrypt

kill -INT "$listener"
wait "$listener" || true
echo "listener: $(grep -E 'events, [0-9]+ valid' "$work/listener.out" | tail -1); record: $work/record.jsonl; junit: $work/junit.xml"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
