#!/usr/bin/env bash
# Hostile HTTP test of a release ves-listener: builds it (or takes --bin), starts it on a free loopback port with
# --record, and runs scripts/hostile_http.py against it: 100,000 requests mixing valid VES 1.1/5.4.1/7.2.1 events
# with garbage, bit flips, huge and many headers, lying Content-Length, chunked bombs, deep JSON, huge numbers,
# invalid UTF-8, pipelining, slow clients, half-closed and reset sockets, while 2,000 idle connections are held.
# Then the listener must still be alive and answer /healthz, every event answered 202 must be in the record exactly
# once and in /testControl/v1/events, and the listener must stop cleanly on SIGTERM. Exits 1 on any hang, crash or
# lost accepted event, 2 when the build or the start fails.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    cat <<'EOF'
Usage: scripts/hostile-http.sh [options] [-- listener options]

  --bin PATH              use this ves-listener instead of building a release one
  --scratch-path DIR      where to build (default .build-hostile-release)
  --requests N            requests to send (default 100000)
  --concurrency N         requests in flight at once (default 200)
  --idle-connections N    idle connections held open during the run (default 2000)
  --idle-timeout S        the listener's --idle-timeout; a request with no answer S + 5 s after its last byte
                          is hung (default 5)
  --seed N                random seed of the mix (default 15)
  --only CASES            only these cases, comma-separated (names as in the summary table)
  --skip CASES            leave these cases out (e.g. --skip slowloris-body)
  --out DIR               record, listener output and summary.json (default out/hostile)
  --verbose               break every case down by its forms
  -h, --help              this text

Everything after -- goes to ves-listener (e.g. -- --max-body 65536). Prints progress every 10,000 requests, then
answered/closed/hung by case, idle connections, accepted events found/lost, requests per second and the
listener's RSS. Exit status: 0 all held, 1 a hang, a crash, a lost or doubled accepted event, a valid request
not answered 202, or an unclean stop; 2 the build or start failed.
EOF
}

bin=""
scratch=".build-hostile-release"
requests=100000
concurrency=200
idle_connections=2000
idle_timeout=5
seed=15
only=""
skip=""
out="out/hostile"
verbose=()
listener_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) bin="$2"; shift 2 ;;
        --scratch-path) scratch="$2"; shift 2 ;;
        --requests) requests="$2"; shift 2 ;;
        --concurrency) concurrency="$2"; shift 2 ;;
        --idle-connections) idle_connections="$2"; shift 2 ;;
        --idle-timeout) idle_timeout="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --skip) skip="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --verbose) verbose=(--verbose); shift ;;
        -h | --help) usage; exit 0 ;;
        --) shift; listener_args=("$@"); break ;;
        *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
    esac
done

source scripts/setup.sh
ves_require_python
mkdir -p "$out"
rm -f "$out/record.jsonl" "$out/summary.json"

if [ -z "$bin" ]; then
    ves_install_packages "${VES_DEBIAN_PACKAGES[@]}"
    ves_require_swift
    echo "building a release ves-listener in $scratch (several minutes the first time)..." >&2
    swift build -c release --product ves-listener --scratch-path "$scratch" >"$out/build.log" 2>&1 \
        || { tail -40 "$out/build.log" >&2; exit 2; }
    bin="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/ves-listener"
fi
[ -x "$bin" ] || { echo "no ves-listener at $bin" >&2; exit 2; }

# File descriptors: the idle connections, two per request in flight (driver and listener share the limit's
# value, not the descriptors), and some room.
need=$((idle_connections + 2 * concurrency + 512))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
    ulimit -n "$need" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$need" ]; then
    idle_connections=$(($(ulimit -n) - 2 * concurrency - 512))
    [ "$idle_connections" -gt 0 ] || idle_connections=0
    echo "ulimit -n is $(ulimit -n): holding $idle_connections idle connections instead" >&2
fi

# The listener's in-memory record cap, when it has one, so the driver knows which records /testControl still holds.
max_records=100000
if "$bin" --help 2>&1 | grep -q -- '--max-records'; then
    for ((i = 0; i < ${#listener_args[@]}; i++)); do
        [ "${listener_args[$i]}" = --max-records ] && max_records="${listener_args[$((i + 1))]}"
    done
else
    max_records=1000000000
fi

ves_trap_cleanup hostile-http
"$bin" --port 0 --record "$out/record.jsonl" --idle-timeout "$idle_timeout" --log-level warning \
    ${listener_args[@]+"${listener_args[@]}"} >"$out/listener.out" 2>"$out/listener.err" &
listener_pid=$!
ves_track "$listener_pid"
url="$(ves_first_line "$out/listener.out" "$listener_pid" | sed 's/^listening on //')" || exit 2
[ -n "$url" ] || { echo "hostile-http: ves-listener gave no address; see $out/listener.err" >&2; exit 2; }
echo "ves-listener $bin (pid $listener_pid) on $url, idle timeout ${idle_timeout} s; ulimit -n $(ulimit -n)"

status=0
python3 scripts/hostile_http.py --url "$url" --pid "$listener_pid" --record "$out/record.jsonl" \
    --requests "$requests" --concurrency "$concurrency" --idle-connections "$idle_connections" \
    --idle-timeout "$idle_timeout" --seed "$seed" --max-records "$max_records" --json "$out/summary.json" \
    ${only:+--only "$only"} ${skip:+--skip "$skip"} ${verbose[@]+"${verbose[@]}"} || status=1

# A clean stop: SIGTERM, the listener's report, exit status 0 (no --strict), within 30 s.
if kill -0 "$listener_pid" 2>/dev/null; then
    kill -TERM "$listener_pid"
    for _ in $(seq 300); do
        kill -0 "$listener_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$listener_pid" 2>/dev/null; then
        echo "FAIL ves-listener did not stop within 30 s of SIGTERM" >&2
        status=1
    else
        listener_status=0
        wait "$listener_pid" || listener_status=$?
        echo "ves-listener stopped on SIGTERM with exit status $listener_status: $(sed -n 2p "$out/listener.out")"
        [ "$listener_status" -eq 0 ] || status=1
    fi
else
    echo "FAIL ves-listener is not running at the end; last lines of $out/listener.err:" >&2
    tail -5 "$out/listener.err" >&2
    status=1
fi
echo "record: $out/record.jsonl, listener output: $out/listener.out and $out/listener.err, summary: $out/summary.json"
exit $status
