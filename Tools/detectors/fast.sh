#!/usr/bin/env bash
# Fast R-CNN and Faster R-CNN measurements of Docs/detectors.md (release build).
# Usage: Tools/detectors/fast.sh [WORKDIR]   (default out/fast)
# RACCOON names a Pascal VOC copy of the raccoon set (default ../shared/data/raccoon).
set -euo pipefail
W=${1:-out/fast}
RACCOON="${RACCOON:-../shared/data/raccoon}"
mkdir -p "$W"
swift build -c release --product regionkit
K=$(swift build -c release --show-bin-path)/regionkit

# Data: 300 training scenes (seed 1, 20% held out for validation: 240 train), 200 test scenes
# (seed 2).
$K synth -o "$W/scenes-train" --images 300 --seed 1 --size 128x128 --objects 4
$K synth -o "$W/scenes-test" --images 200 --seed 2 --size 128x128 --objects 4

# Faster R-CNN (RPN + head, approximate joint training) and Fast R-CNN on selective-search
# (fast) proposals, up to 500 per image: 12 epochs each, lr 0.001.
$K train faster-rcnn "$W/scenes-train" -o "$W/faster" --force --epochs 12 --learning-rate 0.001 --no-progress
$K train fast-rcnn "$W/scenes-train" -o "$W/fast-ss" --force --epochs 12 --learning-rate 0.001 \
  --proposals selective-search --no-progress

# Held-out AP (COCO evaluation of the detections) and timings.
$K detect "$W/faster" "$W/scenes-test" -o "$W/faster-test.json" --timings "$W/faster-timings.json" \
  --draw "$W/faster-draw" --evaluate --no-progress --jobs 1
for m in selective-search edge-boxes sliding-window; do
  $K detect "$W/fast-ss" "$W/scenes-test" -o "$W/fast-$m-test.json" --proposals $m \
    --timings "$W/fast-$m-timings.json" --evaluate --no-progress --jobs 1
done
$K detect "$W/fast-ss" "$W/scenes-test" -o "$W/fast-rpn-test.json" --rpn-model "$W/faster" \
  --timings "$W/fast-rpn-timings.json" --evaluate --no-progress --jobs 1
# Recall of the RPN (its 100 proposals) next to selective search and EdgeBoxes.
$K evaluate "$W/scenes-test" --method selective-search --method edge-boxes --method rpn \
  --model "$W/faster" --no-progress -o "$W/recall"

# Raccoon (200 VOC images, 1 class; seeded 80/20 split), images downsized to a longer side of
# 256, anchors 48/96/192; 8 epochs each.
if [ -d "$RACCOON" ]; then
  $K train faster-rcnn "$RACCOON" -o "$W/raccoon-faster" --force --epochs 8 --learning-rate 0.001 \
    --max-side 256 --anchor-sizes 48,96,192 --no-progress
  $K train fast-rcnn "$RACCOON" -o "$W/raccoon-fast" --force --epochs 8 --learning-rate 0.001 \
    --max-side 256 --proposals selective-search --no-progress
fi
python3 Tools/detectors/fast_plot.py Docs/images/fast/validation-ap50.svg \
  "Faster R-CNN=$W/faster/history.json" "Fast R-CNN (selective search)=$W/fast-ss/history.json"
