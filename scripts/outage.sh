#!/usr/bin/env bash
# A listener outage with an agent crash in the middle of it, checked from the listener's record: every event the
# agent built arrives exactly once (duplicates counted apart: the spool allows one resend where a crash falls
# between a delivery and its counter), in order per source. Prints the figures; exits 1 on any loss or reordering.
#
#   scripts/outage.sh [--outage SECONDS] [--before SECONDS] [--after SECONDS] [--vms N] [--out DIR]
#
# ves-listener (--record) and ves-agent (wall clock, SendEventInterval 1, a spool directory) run while ves-replay
# sends a generated virt trace at its own pace (N VMs, one sample a second). After --before seconds (default 10) the
# listener stops for --outage seconds (default 60); halfway through, the agent is killed with SIGKILL and started
# again on the same spool; the listener comes back on the same port and the run goes on for --after seconds (default
# 30) before the agent is stopped with SIGTERM. VES_SCRATCH_PATH builds with that scratch path; VES_BIN skips the
# build and uses the programs there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

outage=60
before=10
after=30
vms=3
out=out/outage
while [ $# -gt 0 ]; do
    case "$1" in
    --outage) outage="$2"; shift 2 ;;
    --before) before="$2"; shift 2 ;;
    --after) after="$2"; shift 2 ;;
    --vms) vms="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown option $1 (see the comment at the top of $0)" >&2; exit 64 ;;
    esac
done
for value in "$outage" "$before" "$after" "$vms"; do
    [[ "$value" =~ ^[0-9]+$ ]] && [ "$value" -ge 1 ] && [ "$value" -le 86400 ] || {
        echo "--outage, --before, --after and --vms take a whole number from 1 to 86400, not '$value'" >&2
        exit 64
    }
done

ves_prepare
ves_trap_cleanup outage.sh
rm -rf "$out"
mkdir -p "$out/spool"
if [ -z "${VES_BIN:-}" ]; then
    echo "building (the first build takes a few minutes)..." >&2
    scratch=()
    [ -n "${VES_SCRATCH_PATH:-}" ] && scratch=(--scratch-path "$VES_SCRATCH_PATH")
    swift build "${scratch[@]}" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 2; }
    VES_BIN="$(swift build "${scratch[@]}" --show-bin-path)"
fi

start_listener() { # $1: port, $2: record file number
    "$VES_BIN/ves-listener" --port "$1" --record "$out/record-$2.jsonl" --log-level warning \
        >"$out/listener-$2.out" 2>"$out/listener-$2.err" &
    listener_pid=$!
    ves_track "$listener_pid"
    listener_url="$(ves_first_line "$out/listener-$2.out" "$listener_pid" | sed 's/^listening on //')"
}

start_agent() { # $1: listener port, $2: UDP port, $3: run number
    "$VES_BIN/ves-agent" --port "$1" --listen "127.0.0.1:$2" --hostname compute-0 --send-event-interval 1 \
        --spool-directory "$out/spool" --print-stats --log-level warning >"$out/agent-$3.out" 2>"$out/agent-$3.err" &
    agent_pid=$!
    ves_track "$agent_pid"
    agent_port="$(ves_first_port "$out/agent-$3.out" "$agent_pid")"
}

# The counters line the agent prints on SIGUSR1 (the next line of its stdout).
agent_stats() { # $1: run number
    local lines
    lines="$(wc -l <"$out/agent-$1.out")"
    kill -USR1 "$agent_pid"
    for _ in $(seq 100); do
        [ "$(wc -l <"$out/agent-$1.out")" -gt "$lines" ] && { tail -1 "$out/agent-$1.out"; return 0; }
        sleep 0.05
    done
    echo "the agent did not answer SIGUSR1" >&2
    return 1
}

total=$((before + outage + after + 30))
"$VES_BIN/ves-replay" generate --out "$out/trace.jsonl" --vms "$vms" --interval 1 --duration "$total" \
    --start "$(date +%s)" >"$out/generate.log" 2>&1

start_listener 0 1
port="${listener_url##*:}"
start_agent "$port" 0 1
"$VES_BIN/ves-replay" send "$out/trace.jsonl" --to "udp://127.0.0.1:$agent_port" --speed 1 --shift-time now \
    --no-progress >"$out/replay.out" 2>"$out/replay.err" &
replay_pid=$!
ves_track "$replay_pid"
echo "listener on $listener_url, agent on udp://127.0.0.1:$agent_port, $vms VMs, one sample a second"

sleep "$before"
kill -TERM "$listener_pid"
wait "$listener_pid" || true
echo "$(date +%T) listener stopped for ${outage} s"
sleep $((outage / 2))
stats="$(agent_stats 1)"
kill -KILL "$agent_pid"
{ wait "$agent_pid"; } 2>/dev/null || true
built_at_kill="$(sed -E 's/.* ([0-9]+) events built.*/\1/' <<<"$stats")"
next_id="$(sed -nE 's/^next ([0-9]+)$/\1/p' "$out/spool/ves-agent.eventids")"
spooled="$(wc -l <"$out/spool/ves-agent.spool.jsonl")"
echo "$(date +%T) agent killed (SIGKILL) with $built_at_kill events built; spool: $spooled lines; restarting"
start_agent "$port" "$agent_port" 2
sleep $((outage - outage / 2))
start_listener "$port" 2
echo "$(date +%T) listener back on $listener_url"
sleep "$after"
kill -TERM "$replay_pid" 2>/dev/null || true
kill -TERM "$agent_pid"
wait "$agent_pid" || { echo "the agent did not stop cleanly; see $out/agent-2.err" >&2; exit 1; }
kill -TERM "$listener_pid"
wait "$listener_pid" || true
echo "agent after restart: $(grep '^received ' "$out/agent-2.out" | tail -1)"

python3 - "$out" "$built_at_kill" "$next_id" <<'PY'
import json, sys
from datetime import datetime
out, built_at_kill, next_id = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
arrivals = []
# when the listener's second run got its first record, and the last event the killed run had built
back_at = backlog_done_at = None
for number in (1, 2):
    with open(f"{out}/record-{number}.jsonl") as records:
        for line in records:
            record = json.loads(line)
            if record.get("kind") == "event":
                header = record["event"]["commonEventHeader"]
                # a VM's 1.1 event names the host as sourceName and the VM as reportingEntityName
                arrivals.append((int(header["eventId"]), header["sourceName"] + "/" + header["reportingEntityName"]))
                if number == 2:
                    at = datetime.fromisoformat(record["received_at"].replace("Z", "+00:00"))
                    back_at = back_at or at
                    if int(header["eventId"]) < next_id:
                        backlog_done_at = at
ids = [eventId for eventId, _ in arrivals]
distinct = set(ids)
duplicates = len(ids) - len(distinct)
first_run = sorted(i for i in distinct if i < next_id)
second_run = sorted(i for i in distinct if i >= next_id)
problems = []
missing_first = sorted(set(range(1, max(first_run + [built_at_kill]) + 1)) - distinct)
if missing_first:
    problems.append(f"first run: {len(missing_first)} eventIds missing, e.g. {missing_first[:10]}")
if second_run:
    missing_second = sorted(set(range(next_id, second_run[-1] + 1)) - distinct)
    if missing_second:
        problems.append(f"second run: {len(missing_second)} eventIds missing, e.g. {missing_second[:10]}")
else:
    problems.append("the second run delivered nothing")
seen, last = set(), {}
for eventId, source in arrivals:
    if eventId in seen:
        continue
    seen.add(eventId)
    if eventId < last.get(source, 0):
        problems.append(f"{source}: eventId {eventId} arrived after {last[source]}")
    last[source] = eventId
print(f"events received {len(ids)}, distinct {len(distinct)}, duplicates {duplicates}")
print(f"first run: eventIds 1..{first_run[-1] if first_run else 0} ({len(first_run)}; {built_at_kill} built when killed)")
print(f"second run: eventIds {next_id}..{second_run[-1] if second_run else '-'} ({len(second_run)})")
if back_at and backlog_done_at:
    print(f"backlog of the killed run delivered {(backlog_done_at - back_at).total_seconds():.2f} s after the first event reached the returned listener")
print(f"sources: {len(last)}, order per source: {'kept' if not any('arrived after' in p for p in problems) else 'BROKEN'}")
for problem in problems:
    print("FAIL " + problem)
print("PASS nothing lost, in order per source" if not problems else "FAIL")
sys.exit(1 if problems else 0)
PY
