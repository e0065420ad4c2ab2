#!/usr/bin/env bash
# A real collectd through ves-agent into ves-listener: collectd (Debian's collectd-core) on loopback with
# Interval 1, cpu, the aggregation plugin's cpu-aggregation, memory, interface, load and a threshold that fires,
# its network plugin sending each datagram to the agent (GuestRunning, wall clock, SendEventInterval 2) and to
# `ves-replay record`, once plain and once with SecurityLevel Encrypt; the listener answers 503 to the first posts
# of the plain run. After about 15 s per run it checks the cadence, that every event is valid, that each threshold
# notification became a fault event, and that nothing was lost between collectd and the listener (the agent got
# every value list collectd sent, and the events carry collectd's numbers).
# Then the same collectd (with df and disk too, and an exec plugin gauge whose threshold fails for 4 s and returns
# to okay) through the agent with VesVersion 5.4.1 and 7.2.1 (HeartbeatInterval 4) into a `ves-listener --strict`
# on /v5 and /v7: every event valid and free of the listener's semantic warnings, one measurement event per
# period at the interval's boundaries, each threshold raise followed by exactly one clear, heartbeats, the
# header each version requires, collectd's numbers in the fields, nothing lost; the strict listener exits 0.
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
VES_EXEC_DIRS=() # the exec gauge's folders under /tmp, removed with everything else on exit
trap 'ves_stop_all; rm -rf "${VES_EXEC_DIRS[@]}"' EXIT

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

# Ends a run: collectd sends what it holds when it stops; then the recorder stops, and the agent ticks no more and
# drains its queue. Waits until the listener holds every event the agent built, keeps them in DIR/events.json and
# sets run_stats to the agent's counters line. (Not in a subshell: it waits for the processes it stops.)
stop_and_collect() { # $1 directory, $2 collectd pid, $3 recorder pid, $4 agent pid, $5 test-control URL
    kill -TERM "$2"
    wait "$2" 2>/dev/null || true
    sleep 1
    kill -INT "$3"
    wait "$3" || true
    kill -TERM "$4"
    wait "$4" || true
    local stats built
    stats="$(tail -1 "$1/agent.out")"
    built="$(echo "$stats" | sed -n 's/.* \([0-9]*\) events built.*/\1/p')"
    curl -fsS "$5/wait?count=${built:-1}&timeout=60" >/dev/null || true
    curl -fsS "$5/events?kind=event" >"$1/events.json"
    run_stats="$stats"
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
    stop_and_collect "$dir" "$collectd" "$recorder" "$agent" "$control"
    local stats="$run_stats"
    echo "[$security]"
    python3 scripts/check_collectd_run.py "$dir/events.json" "$dir/collectd.jsonl" "$interval" "$stats" \
        "$(tail -1 "$dir/recorder.out")" >"$dir/checks.txt" || true
    count <"$dir/checks.txt"
}

# collectd.conf for the version runs: the host plugins, and an exec gauge (0, then 100 for 4 s, then 0) with a
# threshold that fails while it is high (Persist: raised again each second) and sends OKAY when it is low again.
version_collectd_conf() { # $1 directory, $2 agent port, $3 recorder port
    local exec_user script_dir
    if [ "$(id -u)" -eq 0 ]; then exec_user="nobody:$(id -gn nobody)"; else exec_user="$(id -un):$(id -gn)"; fi
    # collectd refuses to exec as root, and the user it runs the gauge as may not reach a clone under /root: the
    # script lives in a folder of its own under /tmp that anyone can read
    script_dir="$(mktemp -d "${TMPDIR:-/tmp}/ves-e2e-exec.XXXXXX")"
    chmod 755 "$script_dir"
    VES_EXEC_DIRS+=("$script_dir")
    cat >"$script_dir/level.sh" <<'SCRIPT'
#!/bin/sh
host="${COLLECTD_HOSTNAME:-compute-0}"
interval="${COLLECTD_INTERVAL:-1}"
i=0
while true; do
    if [ "$i" -ge 3 ] && [ "$i" -lt 7 ]; then value=100; else value=0; fi
    echo "PUTVAL \"$host/exec-e2e/gauge-level\" interval=$interval N:$value"
    i=$((i + 1))
    sleep "$interval"
done
SCRIPT
    chmod 755 "$script_dir/level.sh"
    cat >"$1/collectd.conf" <<CONF
Hostname "compute-0"
FQDNLookup false
Interval 1
BaseDir "$1"
PIDFile "$1/collectd.pid"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$1/collectd.log"
</Plugin>
LoadPlugin cpu
LoadPlugin aggregation
LoadPlugin memory
LoadPlugin interface
LoadPlugin load
LoadPlugin df
LoadPlugin disk
LoadPlugin exec
LoadPlugin threshold
LoadPlugin network
$(ves_collectd_cpu_aggregation)
<Plugin exec>
  Exec "$exec_user" "$script_dir/level.sh"
</Plugin>
<Plugin threshold>
  <Plugin "exec">
    Instance "e2e"
    <Type "gauge">
      Instance "level"
      FailureMax 50
      Persist true
    </Type>
  </Plugin>
</Plugin>
<Plugin network>
  Server "127.0.0.1" "$2"
  Server "127.0.0.1" "$3"
</Plugin>
CONF
}

# The checks of a version run, one 'PASS|FAIL name detail' line each.
check_version_run() { # $1 version, $2 events.json, $3 collectd.jsonl, $4 agent stats line, $5 seconds
    python3 - "$@" "$interval" "$heartbeat" <<'PY'
import json, re, sys
version, events_path, recorded_path, agent_stats, seconds, interval, heartbeat = sys.argv[1:8]
seconds, interval, heartbeat = float(seconds), float(interval), float(heartbeat)
records = [r for r in json.load(open(events_path))['events'] if r.get('kind') == 'event']
events = [r['event'] for r in records]
recorded = [json.loads(line) for line in open(recorded_path) if line.strip()]
values = [r for r in recorded if 'values' in r]
notifications = sorted((r for r in recorded if 'severity' in r), key=lambda r: r['time'])
v7 = version == '7.2.1'
measurement_domain = 'measurement' if v7 else 'measurementsForVfScaling'
block = 'measurementFields' if v7 else 'measurementsForVfScalingFields'
def header(e): return e['commonEventHeader']
def check(name, ok, detail):
    print('%s %-14s %s' % ('PASS' if ok else 'FAIL', name, detail))

invalid = [r for r in records if not r.get('valid')]
check('valid', events and not invalid, '%d events on /%s, %d invalid' % (len(events), 'v7' if v7 else 'v5', len(invalid)))
warnings = [w['message'] for r in records for w in r.get('warnings', [])]
check('semantics', not warnings, 'no warning from the listener\'s checks' if not warnings else warnings[0][:150])

host = [e for e in events if header(e)['domain'] == measurement_domain and header(e)['sourceName'] == 'compute-0']
starts = [header(e)['startEpochMicrosec'] / 1e6 for e in host]
gaps = [b - a for a, b in zip(starts, starts[1:])]
aligned = all(abs(s / interval - round(s / interval)) < 1e-6 for s in starts)
spans = [(header(e)['lastEpochMicrosec'] - header(e)['startEpochMicrosec']) / 1e6 for e in host]
check('periods', len(host) >= 5 and all(abs(g - interval) < 1e-3 for g in gaps) and aligned
      and all(interval / 2 <= s <= interval * 1.5 for s in spans),
      '%d measurement events of compute-0, starts on %g s boundaries, %s s apart'
      % (len(host), interval, ', '.join('%.2f' % g for g in gaps[:8]) + (' ...' if len(gaps) > 8 else '')))

def expected_header(h):
    if v7:
        return h['version'] == '4.1' and h['vesEventListenerVersion'] == '7.2.1' and h.get('timeZoneOffset', '').startswith('UTC')
    return h['version'] == 3.0 and 'vesEventListenerVersion' not in h
names = {'measurement': 'Measurement_Collectd_' if v7 else 'Mfvs_Collectd_', 'measurementsForVfScaling': 'Mfvs_Collectd_',
         'fault': 'Fault_Collectd_', 'heartbeat': 'Heartbeat_Collectd'}
bad = [h['eventId'] for h in map(header, events) if not expected_header(h) or h.get('nfNamingCode') != 'COLL'
       or not h['eventName'].startswith(names[h['domain']]) or h['reportingEntityName'] == 'localhost']
check('header', not bad, ('version %s, eventName, naming codes, sources' % ('"4.1" + vesEventListenerVersion "7.2.1"' if v7 else '3.0'))
      if not bad else 'wrong in %s' % bad[:5])

# each notification collectd sent, as the agent must answer it: a raise (again) per FAILURE/WARNING, one clear per
# OKAY that ends a raised alarm, nothing for an OKAY with nothing raised (collectd sends one at its first value)
expected, open_alarms, ignored, opened, again = [], set(), 0, 0, 0
for n in notifications:
    key = (n['plugin'], n.get('plugin_instance', ''), n['type'], n.get('type_instance', ''))
    if n['severity'] == 'okay':
        if key in open_alarms:
            open_alarms.discard(key); expected.append('NORMAL')
        else:
            ignored += 1
    else:
        if key in open_alarms: again += 1
        else: opened += 1
        open_alarms.add(key); expected.append('CRITICAL' if n['severity'] == 'failure' else 'WARNING')
faults = [e for e in events if header(e)['domain'] == 'fault']
severities = [e['faultFields']['eventSeverity'] for e in faults]
clears = [e for e in faults if e['faultFields']['eventSeverity'] == 'NORMAL']
families_ok = True
if v7:
    for c in clears:
        raised = [e for e in faults if header(e)['eventId'] == header(c)['eventId'] and e is not c]
        families_ok = families_ok and raised and all(header(e)['startEpochMicrosec'] == header(c)['startEpochMicrosec'] for e in raised)
check('faults', severities == expected and clears and 'NORMAL' not in severities[:1] and families_ok,
      '%d notifications from collectd: %d alarm(s) raised, %d raised again, %d cleared once (%d OKAY with nothing raised: no event)'
      % (len(notifications), opened, again, len(clears), ignored))

beats = [e for e in events if header(e)['domain'] == 'heartbeat']
check('heartbeats', len(beats) >= int(seconds // heartbeat) - 1 >= 1 and all(e['heartbeatFields']['heartbeatInterval'] == int(heartbeat) for e in beats),
      '%d heartbeat events, heartbeatInterval %d' % (len(beats), heartbeat))

memory = {r['values'][0] / 1024 for r in values if r['plugin'] == 'memory' and r.get('type_instance') == 'used'}
loads = {tuple(r['values']) for r in values if r['plugin'] == 'load'}
wrong = []
for e in host:
    fields = e[block]
    for m in fields.get('memoryUsageArray', []):
        if not any(abs(m['memoryUsed'] - x) < 1e-6 for x in memory): wrong.append('memoryUsed %r' % m['memoryUsed'])
    for c in fields.get('cpuUsageArray', []):
        if abs(c['percentUsage'] - (100 - c['cpuIdle'])) > 0.006: wrong.append('percentUsage %r' % c)
    for l in fields.get('loadArray', []):
        if (l['shortTerm'], l['midTerm'], l['longTerm']) not in loads: wrong.append('load %r' % l)
nics = sum(len(e[block].get('nicPerformanceArray' if v7 else 'vNicPerformanceArray', [])) for e in host)
check('values', not wrong and nics > 0, 'memoryUsed (KiB), percentUsage = 100 - cpuIdle%s of %d events are collectd\'s'
      % (', loadArray' if v7 else '', len(host)) if not wrong else '; '.join(wrong[:4]))

received = re.search(r'(\d+) value lists, (\d+) notifications', agent_stats)
dropped = re.search(r'(\d+) dropped', agent_stats)
got = (int(received.group(1)), int(received.group(2))) if received else None
sent = (len(values), len(notifications))
check('nothing lost', got == sent and dropped and dropped.group(1) == '0',
      'collectd sent %d value lists and %d notifications; the agent received %s, %s events dropped'
      % (sent[0], sent[1], got, dropped.group(1) if dropped else '?'))
PY
}

run_version() { # $1 5.4.1|7.2.1
    # absolute: collectd changes to its BaseDir, and runs the exec script by this path
    local version="$1" dir
    dir="$(cd "$work" && pwd)/ves-$1"
    mkdir -p "$dir"
    curl -fsS -X DELETE "$strict_control/events" >/dev/null
    local vendor=()
    [ "$version" = 7.2.1 ] && vendor=(--nf-vendor-name "Example Vendor")
    "$bin/ves-agent" --port "$strict_port" --listen 127.0.0.1:0 --ves-version "$version" --hostname compute-0 \
        --send-event-interval "$interval" --heartbeat-interval "$heartbeat" --nf-naming-code COLL \
        --nfc-naming-code ves "${vendor[@]}" --shutdown-timeout 30 --print-stats --log-level warning \
        >"$dir/agent.out" 2>"$dir/agent.err" &
    local agent=$!
    ves_track "$agent"
    "$bin/ves-replay" record --listen udp://127.0.0.1:0 --out "$dir/collectd.jsonl" \
        >"$dir/recorder.out" 2>"$dir/recorder.err" &
    local recorder=$!
    ves_track "$recorder"
    local agent_port recorder_port
    agent_port="$(ves_first_port "$dir/agent.out" "$agent")"
    recorder_port="$(ves_first_port "$dir/recorder.out" "$recorder")"
    version_collectd_conf "$dir" "$agent_port" "$recorder_port"
    collectd -f -C "$dir/collectd.conf" >"$dir/collectd.stdout" 2>&1 &
    local collectd=$!
    ves_track "$collectd"
    echo "collectd -> ves-agent VesVersion $version udp/$agent_port -> ves-listener --strict :$strict_port, for $seconds s ..." >&2
    sleep "$seconds"
    stop_and_collect "$dir" "$collectd" "$recorder" "$agent" "$strict_control"
    local stats="$run_stats"
    echo "[VesVersion $version]"
    check_version_run "$version" "$dir/events.json" "$dir/collectd.jsonl" "$stats" "$seconds" >"$dir/checks.txt" || true
    count <"$dir/checks.txt"
}

run plain
run encrypt

kill -INT "$listener"
wait "$listener" || true
echo "listener: $(grep -E 'events, [0-9]+ valid' "$work/listener.out" | tail -1); record: $work/record.jsonl; junit: $work/junit.xml"

# 5.4.1 and 7.2.1 into a listener that exits 1 if any event was invalid
heartbeat=4
mkdir -p "$work/strict"
"$bin/ves-listener" --port 0 --strict --record "$work/strict/record.jsonl" --junit "$work/strict/junit.xml" \
    --log-level warning >"$work/strict/listener.out" 2>"$work/strict/listener.err" &
strict_listener=$!
ves_track "$strict_listener"
strict_url="$(ves_first_line "$work/strict/listener.out" "$strict_listener" | sed 's/^listening on //')"
strict_port="${strict_url##*:}"
strict_control="http://127.0.0.1:$strict_port/testControl/v1"
run_version 5.4.1
run_version 7.2.1
kill -INT "$strict_listener"
strict_status=0
wait "$strict_listener" || strict_status=$?
summary="$(grep -E 'events, [0-9]+ valid' "$work/strict/listener.out" | tail -1)"
if [ "$strict_status" -eq 0 ]; then
    echo "PASS strict          ves-listener --strict exited 0: $summary" >"$work/strict/checks.txt"
else
    echo "FAIL strict          ves-listener --strict exited $strict_status: $summary" >"$work/strict/checks.txt"
fi
count <"$work/strict/checks.txt"
echo "strict listener: record: $work/strict/record.jsonl; junit: $work/strict/junit.xml"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
