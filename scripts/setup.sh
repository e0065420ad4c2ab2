#!/usr/bin/env bash
# Installs the Debian packages the harness needs, only those missing. Sourced or run by the other scripts.
set -euo pipefail

VES_DEBIAN_PACKAGES=(libcurl4-openssl-dev openssl ca-certificates)

ves_install_packages() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

# python3 runs the reference plugin in the differential tests; any python3 on PATH will do.
ves_require_python() {
    command -v python3 >/dev/null 2>&1 || ves_install_packages python3
}

ves_require_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        for candidate in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
            [ -x "$candidate/swift" ] && export PATH="$candidate:$PATH" && return 0
        done
        echo "swift is not on PATH: install a Swift 6.1+ toolchain (https://swift.org/install)" >&2
        exit 1
    fi
}

# Everything a script that builds and runs the programs needs: the harness's packages plus those given, python3
# and swift.
ves_prepare() {
    ves_install_packages "${VES_DEBIAN_PACKAGES[@]}" "$@"
    ves_require_python
    ves_require_swift
}

# Builds every program once into a work directory's build.log and sets VES_BIN to where they are.
ves_build() { # $1: work directory
    echo "building (the first build takes a few minutes)..." >&2
    swift build >"$1/build.log" 2>&1 || { cat "$1/build.log" >&2; exit 2; }
    VES_BIN="$(swift build --show-bin-path)"
}

# Processes a script started: killed when it exits, however it exits.
VES_PIDS=()
ves_track() { VES_PIDS+=("$1"); }
ves_stop_all() {
    for pid in "${VES_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
ves_trap_cleanup() { # $1: name for the interruption message
    trap ves_stop_all EXIT
    trap "echo; echo '$1: interrupted' >&2; exit 130" INT TERM
}

# Waits for a program's first stdout line (the address it listens on) and prints it.
ves_first_line() { # $1 stdout file, $2 pid
    for _ in $(seq 200); do
        # a whole line: a program's first write may still be under way when the file stops being empty
        [ -s "$1" ] && [ "$(wc -l <"$1")" -ge 1 ] && { head -1 "$1"; return 0; }
        kill -0 "$2" 2>/dev/null || break
        sleep 0.05
    done
    echo "a program did not start; see ${1%.out}.err" >&2
    return 1
}

# The port at the end of a program's first line (`listening on udp://127.0.0.1:PORT`).
ves_first_port() { # $1 stdout file, $2 pid
    local line
    line="$(ves_first_line "$1" "$2")" || return 1
    echo "${line##*:}"
}

# Starts ves-listener on a free port, recording to DIR/record.jsonl and DIR/junit.xml; sets VES_LISTENER_PID and
# VES_LISTENER_URL (http://127.0.0.1:PORT). Needs ves_build first.
ves_start_listener() { # $1: directory
    "$VES_BIN/ves-listener" --port 0 --record "$1/record.jsonl" --junit "$1/junit.xml" --log-level warning \
        >"$1/listener.out" 2>"$1/listener.err" &
    VES_LISTENER_PID=$!
    ves_track "$VES_LISTENER_PID"
    VES_LISTENER_URL="$(ves_first_line "$1/listener.out" "$VES_LISTENER_PID" | sed 's/^listening on //')"
}

# collectd.conf blocks for cpu percentages per CPU and state, and the aggregation plugin's cpu-aggregation averages:
# what the reference plugin's GuestRunning mode reads.
ves_collectd_cpu_aggregation() {
    cat <<'CONF'
<Plugin cpu>
  ReportByCpu true
  ReportByState true
  ValuesPercentage true
</Plugin>
<Plugin aggregation>
  <Aggregation>
    Plugin "cpu"
    Type "percent"
    GroupBy "Host"
    GroupBy "TypeInstance"
    SetPlugin "cpu-aggregation"
    CalculateAverage true
  </Aggregation>
</Plugin>
CONF
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    ves_install_packages "${VES_DEBIAN_PACKAGES[@]}"
    ves_require_python
    ves_require_swift
fi
