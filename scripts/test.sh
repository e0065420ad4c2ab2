#!/usr/bin/env bash
# Runs every test: installs what is missing, then the format check, the Swift test suites, then the two end-to-end
# scripts (bundled traces through the whole pipeline, and a real collectd through it). Every part runs even when an earlier
# one failed; the exit status is 1 if any failed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_install_packages "${VES_DEBIAN_PACKAGES[@]}" collectd-core curl
ves_require_python
ves_require_swift

swift build --build-tests
status=0
parts=()
run_part() { # $1 name, then the command
    local name="$1"
    shift
    echo "== $name"
    if "$@"; then parts+=("$name: passed"); else parts+=("$name: FAILED"); status=1; fi
}
run_part "swift format lint" swift format lint --strict --recursive Sources Tests Benchmarks Package.swift \
    Fuzz/Package.swift Fuzz/Sources
run_part "swift test" swift test --skip-build
run_part "scripts/e2e.sh" bash scripts/e2e.sh
run_part "scripts/api-test.sh" bash scripts/api-test.sh
run_part "scripts/webview-test.sh" bash scripts/webview-test.sh out/webview.png
run_part "scripts/e2e-collectd.sh" bash scripts/e2e-collectd.sh
run_part "scripts/fuzz.sh" bash scripts/fuzz.sh --seconds 30
echo "=="
printf '%s\n' "${parts[@]}"
exit $status
