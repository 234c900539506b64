#!/usr/bin/env bash
# The demo `make demo` runs: propose regions on the bundled photos, evaluate their recall
# against the hand-drawn ground truth, and write the report and overlay pictures to out/.
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
echo "== regionkit draw: the ground truth and the ten highest-ranked proposals of each image"
for image in "$dataset"/images/*; do
  name=$(basename "${image%.*}")
  "$regionkit" draw "$image" --boxes "$dataset/annotations.json" -o "out/$name-ground-truth.png"
  "$regionkit" draw "$image" --boxes "out/report/proposals/$method.jsonl" --top 10 \
    -o "out/$name-top-ranked.png"
done
echo
echo "Report:    $(pwd)/out/report/index.html"
echo "Coverage:  $(pwd)/out/report/overlays/$method/*.png"
echo "           (each object's ground truth in green with its best proposal among the first"
echo "           1000 in blue, labelled with their IoU; missed objects in red)"
echo "Overlays:  $(pwd)/out/*-ground-truth.png, $(pwd)/out/*-top-ranked.png"
