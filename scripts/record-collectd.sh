#!/usr/bin/env bash
# Records a trace from a real collectd: starts collectd on loopback with its network plugin pointed at
# `ves-replay record`, stops it after SECONDS, and leaves the trace in Fixtures/traces/NAME.jsonl.
#
# Usage: scripts/record-collectd.sh KIND SECONDS [NAME]
#   KIND  host       cpu, memory, interface, load, disk, df
#         guest      cpu with ValuesPercentage true plus the aggregation plugin's cpu-aggregation (GuestRunning mode)
#         threshold  host plugins plus thresholds that fire: real collectd notifications
# Environment: VES_COLLECTD_INTERVAL (default 2 s), VES_COLLECTD_ENCRYPT=1 (send with SecurityLevel Encrypt),
#              VES_TRACE_DIR (default Fixtures/traces), VES_HOSTNAME (default compute-0).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

kind="${1:?usage: scripts/record-collectd.sh host|guest|threshold SECONDS [NAME]}"
seconds="${2:?give the recording length in seconds}"
name="${3:-$kind}"
interval="${VES_COLLECTD_INTERVAL:-2}"
hostname="${VES_HOSTNAME:-compute-0}"
trace_dir="${VES_TRACE_DIR:-Fixtures/traces}"
case "$kind" in host | guest | threshold) ;; *) echo "KIND is host, guest or threshold" >&2; exit 2 ;; esac

ves_install_packages collectd-core "${VES_DEBIAN_PACKAGES[@]}"
ves_require_swift
swift build --product ves-replay >/dev/null 2>&1 || swift build --product ves-replay
replay="$(swift build --show-bin-path 2>/dev/null)/ves-replay"

work=$(mktemp -d)
collectd_pid=""
recorder_pid=""
cleanup() {
    [ -n "$collectd_pid" ] && kill "$collectd_pid" 2>/dev/null || true
    [ -n "$recorder_pid" ] && kill -INT "$recorder_pid" 2>/dev/null && wait "$recorder_pid" 2>/dev/null || true
    [ -n "${VES_KEEP_WORK:-}" ] && echo "work dir kept: $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -p "$trace_dir"
out="$trace_dir/$name.jsonl"
security_args=()
if [ "${VES_COLLECTD_ENCRYPT:-0}" = 1 ]; then
    echo "recorder: secret" >"$work/auth"
    security_args=(--security-level encrypt --auth-file "$work/auth")
fi
"$replay" record --listen udp://127.0.0.1:0 --out "$out" "${security_args[@]}" >"$work/recorder.out" 2>"$work/recorder.log" &
recorder_pid=$!
for _ in $(seq 100); do grep -q '^listening on' "$work/recorder.out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on udp:\/\/[^:]*:\([0-9]*\)$/\1/p' "$work/recorder.out")
[ -n "$port" ] || { cat "$work/recorder.log" >&2; echo "ves-replay record did not start" >&2; exit 1; }

server="Server \"127.0.0.1\" \"$port\""
if [ "${VES_COLLECTD_ENCRYPT:-0}" = 1 ]; then
    server="<Server \"127.0.0.1\" \"$port\">
    SecurityLevel Encrypt
    Username \"recorder\"
    Password \"secret\"
  </Server>"
fi

cpu_block=""
extra=""
case "$kind" in
host | threshold)
    plugins="cpu memory interface load disk df"
    ;;
guest)
    plugins="cpu memory interface load aggregation"
    cpu_block="$(ves_collectd_cpu_aggregation)"
    ;;
esac
if [ "$kind" = threshold ]; then
    plugins="$plugins threshold"
    # limits every machine crosses: memory used above 1 KiB fails, load above 0 warns; Persist repeats them
    extra='<Plugin threshold>
  <Plugin "memory">
    <Type "memory">
      Instance "used"
      FailureMax 1024
      Persist true
    </Type>
  </Plugin>
  <Plugin "load">
    <Type "load">
      DataSource "shortterm"
      WarningMax 0.0
      Hysteresis 0
    </Type>
  </Plugin>
</Plugin>'
fi

{
    echo "Hostname \"$hostname\""
    echo "FQDNLookup false"
    echo "Interval $interval"
    echo "BaseDir \"$work\""
    echo "PIDFile \"$work/collectd.pid\""
    echo "TypesDB \"/usr/share/collectd/types.db\""
    echo "LoadPlugin logfile"
    echo "<Plugin logfile>"
    echo "  LogLevel info"
    echo "  File \"$work/collectd.log\""
    echo "</Plugin>"
    for plugin in $plugins network; do echo "LoadPlugin $plugin"; done
    echo "$cpu_block"
    echo "<Plugin df>"
    echo "  IgnoreSelected false"
    echo "</Plugin>"
    echo "<Plugin network>"
    echo "  $server"
    echo "</Plugin>"
    echo "$extra"
} >"$work/collectd.conf"

echo "recording $kind from collectd (Interval $interval) for $seconds s into $out ..."
collectd -f -C "$work/collectd.conf" >"$work/collectd.stdout" 2>&1 &
collectd_pid=$!
sleep "$seconds"
kill "$collectd_pid" 2>/dev/null || true
wait "$collectd_pid" 2>/dev/null || true
collectd_pid=""
# collectd flushes its last datagram when it stops
sleep 1
kill -INT "$recorder_pid"
wait "$recorder_pid" || true
recorder_pid=""
cat "$work/recorder.out" | sed -n '2,$p'
grep -i -E "error|warn" "$work/collectd.log" | head -5 >&2 || true
"$replay" inspect "$out"
