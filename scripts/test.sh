#!/usr/bin/env bash
# Runs every test: installs what is missing, then the Swift test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_install_packages "${VES_DEBIAN_PACKAGES[@]}" collectd-core
ves_require_python
ves_require_swift

swift build --build-tests
swift test --skip-build
