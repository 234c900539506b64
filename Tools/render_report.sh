#!/usr/bin/env bash
# Renders a `regionkit evaluate` report (index.html) to a PNG with headless Chromium, to look
# at the page as a user would. Not part of `make test`.
#
#   Tools/render_report.sh out/report [out/report-page.png]
set -euo pipefail
report="${1:?usage: $0 REPORT_DIR [OUTPUT.png]}"
output="${2:-$report/page.png}"
page="$(cd "$report" && pwd)/index.html"
[ -f "$page" ] || { echo "$page: no such file (run regionkit evaluate first)" >&2; exit 1; }

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium
fi
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1280,4000 --screenshot="$output" "file://$page" 2>/dev/null
echo "$output"
