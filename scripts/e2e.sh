#!/usr/bin/env bash
# The whole pipeline on every bundled trace: ves-replay -> ves-agent (--clock trace) -> ves-listener.
# For every trace in Fixtures/traces and each mode it applies to (virt, GuestRunning), checks that every event is
# valid VES 1.1, that the events equal the reference plugin's (Fixtures/golden, compare_events.py rules), that no
# datagram was bad and no event dropped; then the same with the listener answering 503 for a while.
# Prints one line per case and 'N passed, M failed' last; exits 1 if any case failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
source scripts/setup.sh
ves_prepare curl
shared="${VES_SHARED_DIR:-$root/../shared}"
compare="$shared/reference/compare_events.py"
if [ ! -f "$compare" ]; then
    echo "SKIP reference comparison: $compare is missing (set VES_SHARED_DIR); the cases check validity and counts"
fi

work="${VES_E2E_DIR:-out/e2e}"
rm -rf "$work"
mkdir -p "$work"
ves_build "$work"
bin="$VES_BIN"
ves_trap_cleanup e2e

ves_start_listener "$work"
listener="$VES_LISTENER_PID"
listener_port="${VES_LISTENER_URL##*:}"
control="http://127.0.0.1:$listener_port/testControl/v1"

passed=0
failed=0
# Runs one case: $1 trace name, $2 mode (virt|guest), $3 label, then options: --faults JSON
run_case() {
    local trace="$1" mode="$2" label="$3" faults=""
    [ "${4:-}" = "--faults" ] && faults="$5"
    local golden="Fixtures/golden/$trace.$mode.jsonl" log="Fixtures/golden/$trace.$mode.log"
    local dir="$work/$label"
    mkdir -p "$dir"
    curl -fsS -X DELETE "$control/events" >/dev/null
    curl -fsS -X DELETE "$control/faults" >/dev/null
    [ -n "$faults" ] && curl -fsS -X POST -H 'Content-Type: application/json' -d "$faults" "$control/faults" >/dev/null
    local guest=()
    [ "$mode" = guest ] && guest=(--guest-running)
    "$bin/ves-agent" --port "$listener_port" --listen 127.0.0.1:0 --clock trace --hostname compute-0 \
        "${guest[@]}" --shutdown-timeout 60 --print-stats --log-level warning >"$dir/agent.out" 2>"$dir/agent.err" &
    local agent=$!
    ves_track "$agent"
    local agent_port
    agent_port="$(ves_first_port "$dir/agent.out" "$agent")" || { report FAIL "$label" "the agent did not start"; return; }
    "$bin/ves-replay" send --to "udp://127.0.0.1:$agent_port" --speed max --rate 20000 --no-progress \
        "Fixtures/traces/$trace.jsonl" >"$dir/replay.out" 2>"$dir/replay.err"
    # sent N value lists, M notifications in ...
    local lists notifications
    lists="$(sed -n 's/^sent \([0-9]*\) value lists.*/\1/p' "$dir/replay.out")"
    notifications="$(sed -n 's/.* value lists, \([0-9]*\) notifications.*/\1/p' "$dir/replay.out")"
    # wait until the agent has taken in all of it (SIGUSR1 prints its counters)
    local received=""
    for _ in $(seq 100); do
        kill -USR1 "$agent"
        sleep 0.05
        received="$(grep -c ", $lists value lists, $notifications notifications;" "$dir/agent.out" || true)"
        [ "$received" -gt 0 ] && break
    done
    kill -TERM "$agent"
    wait "$agent" || true
    local stats built
    stats="$(tail -1 "$dir/agent.out")"
    built="$(echo "$stats" | sed -n 's/.* \([0-9]*\) events built.*/\1/p')"
    curl -fsS "$control/wait?count=${built:-0}&timeout=60" >/dev/null || true
    curl -fsS "$control/events?kind=event" >"$dir/events.json"
    local verdict status=0
    verdict="$(python3 scripts/check_case.py "$golden" "$log" "$dir/events.json" "$compare" --ordered)" || status=1
    if ! echo "$stats" | grep -q "(0 bad)"; then status=1; verdict="$verdict -- bad datagrams: $stats"; fi
    if ! echo "$stats" | grep -q " 0 dropped"; then status=1; verdict="$verdict -- events dropped: $stats"; fi
    if [ "$received" = "0" ] || [ -z "$received" ]; then status=1; verdict="$verdict -- the agent did not receive all $lists value lists"; fi
    if [ $status -eq 0 ]; then report PASS "$label" "$verdict"; else report FAIL "$label" "$verdict (see $dir)"; fi
}

report() { # $1 PASS|FAIL, $2 label, $3 detail
    printf '%s %-32s %s\n' "$1" "$2" "$3"
    if [ "$1" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

for trace_path in Fixtures/traces/*.jsonl; do
    trace="$(basename "$trace_path" .jsonl)"
    for mode in virt guest; do
        golden="Fixtures/golden/$trace.$mode"
        # a mode applies when the reference plugin sent events or tried to
        [ -s "$golden.jsonl" ] || [ -s "$golden.log" ] || continue
        run_case "$trace" "$mode" "$trace ($mode)"
    done
done
run_case virt-3vms virt "virt-3vms (virt), 503 x 5 then 202" --faults '{"status": 503, "count": 5}'
run_case threshold virt "threshold (virt), dropped connections" --faults '{"status": 503, "count": 3, "drop_connection": true}'

kill -INT "$listener"
wait "$listener" || true
echo "listener: $(grep -E 'events, [0-9]+ valid' "$work/listener.out" | tail -1); record: $work/record.jsonl; junit: $work/junit.xml"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
