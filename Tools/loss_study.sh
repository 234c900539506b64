#!/usr/bin/env bash
# The box-regression loss study of Docs/losses.md, reproduced by one command:
#   make loss-study        (or Tools/loss_study.sh)
# Trains ClassifyAndLocalize with L1, MSE, smooth L1 (beta 1 and 1/9), each with clean training
# boxes and with 10% of them replaced by random boxes, on a seeded synthetic single-object set
# (`regionkit synth`) and on raccoon (../shared/data/raccoon, skipped when absent), then copies
# the tables and plots into Docs/. Seeds are fixed; the numbers are deterministic for a given
# thread count (ComputeThreads splits GEMMs, so sums may differ in the last bits across machines).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-out/loss-study}
RACCOON=${RACCOON:-../shared/data/raccoon}
SYNTH_EPOCHS=${SYNTH_EPOCHS:-30}
# Raccoon runs are shorter: 16 runs must fit in the study's time budget on a shared 2-core machine.
RACCOON_EPOCHS=${RACCOON_EPOCHS:-20}
COMMON=(--batch-size 16 --seed 0 --input-size 64 --validation-fraction 0.2
  --learning-rate 0.002 --loss-study --study-outlier-fraction 0.1)

swift build -c release --product regionkit
BIN=.build/release/regionkit
mkdir -p "$OUT" Docs/images/losses

"$BIN" synth -o "$OUT/synth-data" --count 200 --seed 1 --size 96x96
datasets=(synth)
"$BIN" train "$OUT/synth-data" -o "$OUT/synth" --epochs "$SYNTH_EPOCHS" "${COMMON[@]}"
if [ -d "$RACCOON" ]; then
  "$BIN" train "$RACCOON" -o "$OUT/raccoon" --epochs "$RACCOON_EPOCHS" "${COMMON[@]}"
  datasets+=(raccoon)
else
  echo "raccoon not found at $RACCOON: skipped" >&2
fi

for name in "${datasets[@]}"; do
  cp "$OUT/$name/loss-study.md" "Docs/images/losses/$name-table.md"
  cp "$OUT/$name/loss-study.json" "Docs/images/losses/$name-runs.json"
  for stem in mean-iou-clean mean-iou-outliers train-box-loss; do
    cp "$OUT/$name/$stem.svg" "Docs/images/losses/$name-$stem.svg"
    cp "$OUT/$name/$stem.png" "Docs/images/losses/$name-$stem.png"
  done
done
# Overlays of synthetic images only (never of raccoon photos): the smooth-L1 (1/9) model, 4 images.
"$BIN" train "$OUT/synth-data" -o "$OUT/synth-model" --epochs "$SYNTH_EPOCHS" --batch-size 16 --seed 0 \
  --input-size 64 --box-loss smooth-l1:1/9 --no-progress
"$BIN" detect "$OUT/synth-model" "$OUT/synth-data" -o "$OUT/synth-detections.json" --draw "$OUT/synth-overlays" --no-progress
for index in 000000 000001 000002 000003; do
  cp "$OUT/synth-overlays/$index.png" "Docs/images/losses/synth-overlay-$index.png"
done
echo "Tables and plots in Docs/images/losses/; overlays in $OUT/synth-overlays"
