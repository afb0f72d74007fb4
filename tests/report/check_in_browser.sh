#!/usr/bin/env bash
# Opens each report in headless Chromium and fails unless every chart drew and no script failed:
# the page counts its charts (data-charts), the ones Plotly finished (data-drawn) and the problems
# it showed (data-problems); each drawn chart leaves an svg.main-svg in the DOM.
#   check_in_browser.sh REPORT.html...
set -euo pipefail
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "check_in_browser: chromium is missing (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
status=0
for page in "$@"; do
  dom=$(timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size=1200,900 --virtual-time-budget=20000 \
    --dump-dom "file://$(realpath "$page")" 2>/dev/null)
  body=$(grep -o '<body[^>]*>' <<<"$dom" | head -1)
  attr() { sed -n "s/.*$1=\"\\([0-9]*\\)\".*/\\1/p" <<<"$body"; }
  charts=$(attr data-charts)
  drawn=$(attr data-drawn)
  problems=$(attr data-problems)
  svgs=$( (grep -o 'class="main-svg"' <<<"$dom" || true) | wc -l)
  if [ -z "$charts" ] || [ "$charts" = 0 ] || [ "$drawn" != "$charts" ] || [ -n "$problems" ] ||
    [ "$svgs" -lt "$charts" ]; then
    echo "FAIL $page: charts=${charts:-?} drawn=${drawn:-?} problems=${problems:-0} svg=$svgs" >&2
    grep -o '<div id="report-problems".*</ul>' <<<"$dom" | sed 's/<[^>]*>/ /g' >&2 || true
    status=1
  else
    echo "ok $page: $charts charts drawn, $(stat -c %s "$page") bytes"
  fi
done
exit $status
