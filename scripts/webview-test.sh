#!/usr/bin/env bash
# The web view in a real browser: installs Debian's chromium and chromium-driver and Python's selenium when
# missing, builds, starts ves-listener on a free port, posts valid and invalid events of VES 1.1, 5.4.1 and 7.2.1,
# and checks the rendered page with scripts/webview_check.py (rows, the highlighted pointer and its message,
# #event=SEQ, a chart's line, a live update). Saves the screenshot to docs/webview.png (or $1).
# Exits non-zero on a failure. VES_BIN=DIR uses programs already built there instead of building.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
ves_prepare chromium chromium-driver
python3 -c 'import selenium' 2>/dev/null || python3 -m pip install --quiet selenium

screenshot="${1:-docs/webview.png}"
work="${VES_WEBVIEW_DIR:-out/webview}"
rm -rf "$work"
mkdir -p "$work" "$(dirname "$screenshot")"
if [ -n "${VES_BIN:-}" ]; then
    echo "using the programs in $VES_BIN" >&2
else
    ves_build "$work"
fi
ves_trap_cleanup webview-test

ves_start_listener "$work"
echo "listener at $VES_LISTENER_URL" >&2
python3 scripts/webview_check.py "$VES_LISTENER_URL" "$screenshot"
