#!/usr/bin/env bash
# The main job, on a bundled trace: start ves-listener, feed it the VES events the reference collectd plugin
# builds from Fixtures/model/virt-and-host.jsonl (virt and GuestRunning modes) at ten times their recorded pace,
# plus one event that breaks the spec, then stop it and show the report.
# (ves-agent and ves-replay take the place of the bundled events once they exist.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_install_packages "${VES_DEBIAN_PACKAGES[@]}" curl
ves_require_swift

out="${VES_DEMO_DIR:-out/demo}"
mkdir -p "$out"
record="$out/record.jsonl"
junit="$out/junit.xml"
events=Fixtures/model/reference-events.jsonl
interval=${VES_DEMO_INTERVAL:-2} # seconds between events: the plugin's 20 s SendEventInterval at x10

echo "building ves-listener..."
swift build --product ves-listener >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
listener_bin="$(swift build --show-bin-path 2>/dev/null)/ves-listener"

listener_pid=""
cleanup() { [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

fifo="$out/listener.out"
rm -f "$fifo"
"$listener_bin" --port 0 --record "$record" --junit "$junit" --log-level warning >"$fifo" 2>"$out/listener.log" &
listener_pid=$!
for _ in $(seq 100); do grep -q "^listening on" "$fifo" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$fifo" | head -1)
[ -n "$base" ] || { echo "ves-listener did not start; see $out/listener.log" >&2; exit 1; }
echo "ves-listener is $base (record: $record)"

total=$(($(wc -l <"$events") + 1))
sent=0
eol='\n'
[ -t 1 ] && eol='\r'
post() { # $1: a file holding the body
    local status stats
    status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$1" \
        "$base/eventListener/v1")
    sent=$((sent + 1))
    stats=$(curl -s "$base/testControl/v1/stats")
    printf "[%d/%d] HTTP %s  listener: %s$eol" "$sent" "$total" "$status" \
        "$(echo "$stats" | sed -E 's/.*"events":([0-9]+),"valid":([0-9]+),"invalid":([0-9]+).*/\1 events, \2 valid, \3 invalid/')"
}
body="$out/body.json"
while IFS= read -r event; do
    printf '%s' "$event" >"$body"
    post "$body"
    sleep "$interval"
done <"$events"
# an event a broken agent might send: a domain the spec does not know and no sourceName
head -1 "$events" | sed -e 's/"sourceName":"[^"]*",//' -e 's/"domain":"measurementsForVfScaling"/"domain":"measurements"/' >"$body"
post "$body"
echo

kill -INT "$listener_pid"
wait "$listener_pid" || true
listener_pid=""
echo
echo "ves-listener report:"
sed -n '2,$p' "$fifo"
echo "each record line holds the event as received, its verdict and every pointer: $record"
