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

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    ves_install_packages "${VES_DEBIAN_PACKAGES[@]}"
    ves_require_python
    ves_require_swift
fi
