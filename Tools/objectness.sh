#!/usr/bin/env bash
# Learned objectness, measured across datasets (Docs/objectness.md): for each generator, train
# the re-scorer on one dataset and compare AR@100 / AR@300 with and without re-ranking on the
# other, both directions. Usage: Tools/objectness.sh [WORK_DIR] (release build of regionkit).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-out/objectness}
RK=${RK:-.build/release/regionkit}
RACCOON=${RACCOON:-../shared/data/raccoon}
COCO=${COCO:-../shared/data/coco-tiny}
TRAIN_IMAGES=${TRAIN_IMAGES:-100}
mkdir -p "$WORK"
echo "| trained on | evaluated on | method | ranking | AR@100 | AR@300 |"
echo "| --- | --- | --- | --- | ---: | ---: |"
for direction in "raccoon:$RACCOON:coco:$COCO" "coco:$COCO:raccoon:$RACCOON"; do
  IFS=: read -r from from_dir to to_dir <<<"$direction"
  for method in edge-boxes selective-search sliding-window; do
    model="$WORK/$from-$method.json"
    "$RK" train-objectness "$from_dir" -o "$model" --method "$method" --top 1000 \
      --images "$TRAIN_IMAGES" --no-progress
    for variant in plain reranked; do
      extra=()
      [ "$variant" = reranked ] && extra=(--objectness "$model")
      report="$WORK/$from-to-$to-$method-$variant"
      "$RK" evaluate "$to_dir" --method "$method" --top 1000 --overlays 0 --quiet \
        "${extra[@]}" -o "$report" > /dev/null
      python3 - "$report/summary.json" "$from" "$to" "$method" "$variant" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["methods"][0]
ar = dict(zip(m["proposalCounts"], m["averageRecall"]))
print(f"| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {sys.argv[5]} | {ar[100]:.4f} | {ar[300]:.4f} |")
PY
    done
  done
done
