#!/usr/bin/env bash
# The demo `make demo` runs: propose regions on the bundled photos, evaluate their recall
# against the hand-drawn ground truth, write the report and pictures to out/, the README
# picture to Docs/images/demo.png and, when Chromium is installed, a screenshot of the report.
set -euo pipefail
cd "$(dirname "$0")/.."
regionkit=".build/release/regionkit"
dataset="Fixtures/dataset"
method="${REGIONKIT_DEMO_METHOD:-selective-search}"
mkdir -p out

echo "== regionkit info $dataset"
"$regionkit" info "$dataset"
echo
echo "== regionkit evaluate $dataset --method $method -o out/report"
"$regionkit" evaluate "$dataset" --method "$method" -o out/report --no-progress
echo
echo "== regionkit draw: each photo's ground truth, and its ten highest-ranked distinct proposals"
for image in "$dataset"/images/*; do
  name=$(basename "${image%.*}")
  "$regionkit" draw "$image" --boxes "$dataset/annotations.json" -o "out/$name-ground-truth.png"
  "$regionkit" draw "$image" --boxes "out/report/proposals/$method.jsonl" --top 10 \
    --max-overlap 0.5 -o "out/$name-top-ranked.png"
done

# The README picture: every object of the bundled photos with its best proposal and their IoU.
if [ "$method" = selective-search ]; then
  cp "out/report/overlays/$method.png" Docs/images/demo.png
  readme="Docs/images/demo.png (the README picture, a copy of out/report/overlays/$method.png)"
else
  readme="Docs/images/demo.png left as it is (it shows selective-search, the default method)"
fi

# A real browser's view of the report, when one is installed.
browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" > /dev/null; then browser="$candidate"; break; fi
done
if [ -n "$browser" ]; then
  # --no-sandbox: Chromium refuses to run as root otherwise.
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --screenshot="$(pwd)/out/report-screenshot.png" --window-size=1400,2000 \
    "file://$(pwd)/out/report/index.html" > /dev/null 2>&1 || browser=""
fi
if [ -n "$browser" ]; then
  screenshot="$(pwd)/out/report-screenshot.png (the report's first 2000 pixels as headless $browser shows them at 1400 pixels wide)"
else
  screenshot="not taken (install Chromium, e.g. apt-get install -y chromium, for out/report-screenshot.png)"
fi

cat <<EOF

Report:      $(pwd)/out/report/index.html
             (the table; recall and average recall against the number of proposals N, each
             curve ending at the most proposals any photo got; recall against IoU; and each
             photo's coverage at the page's full width)
Coverage:    $(pwd)/out/report/overlays/$method/*.png, all on one sheet in
             $(pwd)/out/report/overlays/$method.png
             (each object's ground truth in green, or red when missed, with its best proposal
             among the first 1000 in blue, the tab giving the IoU of the two)
README:      $readme
Screenshot:  $screenshot
Truth:       $(pwd)/out/*-ground-truth.png
Top-ranked:  $(pwd)/out/*-top-ranked.png
             (the ten best-ranked proposals that are not near-duplicates - each one's IoU with
             every proposal drawn before it is at most 0.5 - tagged with their rank in the file.
             Selective search, the default method, ranks a region by its place in the merge
             hierarchy (the whole photo and the last merges first) times a seeded random
             number, not by how much it looks like an object: the first ten are large regions
             such as the sky, a tower or the whole photo, mixed with small patches, and the
             objects are found further down the list - the coverage pictures show which
             proposal covers each one. That is why recall is measured over hundreds of
             proposals. Near-duplicates, the same region found again by another strategy, are
             skipped so that ten different regions are shown; each draw line above says how
             many were skipped.)
EOF
