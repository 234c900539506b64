#!/usr/bin/env bash
# The demo `make demo` runs: describe the bundled fixture dataset and draw its ground truth.
set -euo pipefail
cd "$(dirname "$0")/.."
regionkit=".build/release/regionkit"
dataset="Fixtures/dataset"
mkdir -p out

echo "== regionkit info $dataset"
"$regionkit" info "$dataset"
echo
echo "== regionkit draw: ground-truth boxes of each image"
for image in "$dataset"/images/*; do
  name=$(basename "${image%.*}")
  "$regionkit" draw "$image" --boxes "$dataset/annotations.json" -o "out/$name-ground-truth.png"
done
echo
echo "Pictures written to $(pwd)/out/"
