#!/usr/bin/env bash
# Fast R-CNN and Faster R-CNN measurements of Docs/detectors.md (release build).
# Usage: Tools/detectors/fast.sh [WORKDIR]   (default out/fast)
set -euo pipefail
W=${1:-out/fast}
RACCOON="${RACCOON:-../shared/data/raccoon}"  # a Pascal VOC dataset
mkdir -p "$W"
swift build -c release --product regionkit
K=$(swift build -c release --show-bin-path)/regionkit

# Data: 500 training scenes (seed 1, 20% held out for validation), 200 test scenes (seed 2).
$K synth -o "$W/scenes-train" --images 500 --seed 1 --size 128x128 --objects 4
$K synth -o "$W/scenes-test" --images 200 --seed 2 --size 128x128 --objects 4

# Each run has a 30-epoch cosine schedule and is stopped after 15 minutes of wall-clock time
# (timeout); a checkpoint is written after every epoch, so the folder holds the last complete
# epoch. The documented runs ended after epoch 10 (Faster) and epoch 7 (Fast); epochs are
# deterministic, so checkpoint-10 / checkpoint-7 reproduce them on any load (copy config.json
# into the checkpoint folder to use it as a model folder).
# Faster R-CNN (RPN + head, approximate joint training).
timeout 900 $K train --arch faster-rcnn "$W/scenes-train" -o "$W/faster" --epochs 30 \
  --learning-rate 0.001 --seed 0 --validation-fraction 0.2 || true
# Fast R-CNN on selective-search (fast) proposals, up to 500 per image.
timeout 900 $K train --arch fast-rcnn "$W/scenes-train" -o "$W/fast-ss" --epochs 30 \
  --learning-rate 0.001 --seed 0 --validation-fraction 0.2 --proposals selective-search || true

# Held-out AP (COCO evaluation of the detections), timings, RPN proposals for recall.
$K detect "$W/faster" "$W/scenes-test" -o "$W/faster-test.json" --timings "$W/faster-timings.json" \
  --write-proposals "$W/rpn.jsonl" --draw "$W/faster-draw" --evaluate
for m in selective-search edge-boxes sliding-window; do
  $K detect "$W/fast-ss" "$W/scenes-test" -o "$W/fast-$m-test.json" --proposals $m \
    --timings "$W/fast-$m-timings.json" --evaluate
done
$K detect "$W/fast-ss" "$W/scenes-test" -o "$W/fast-rpn-test.json" --rpn-model "$W/faster" \
  --timings "$W/fast-rpn-timings.json" --evaluate
# Recall of the RPN next to selective search and EdgeBoxes (same 200 test images).
$K evaluate "$W/scenes-test" --method selective-search --method edge-boxes \
  --proposals "$W/rpn.jsonl" -o "$W/recall"

# Raccoon (200 VOC images, 1 class; seeded 80/20 split), images downsized to a longer side of
# 256, anchors 48/96/192; 8 epochs each.
$K train --arch faster-rcnn "$RACCOON" -o "$W/raccoon-faster" --epochs 8 \
  --learning-rate 0.001 --seed 0 --validation-fraction 0.2 --max-side 256 --anchor-sizes 48,96,192
$K train --arch fast-rcnn "$RACCOON" -o "$W/raccoon-fast" --epochs 8 \
  --learning-rate 0.001 --seed 0 --validation-fraction 0.2 --max-side 256 --proposals selective-search
python3 Tools/detectors/fast_plot.py Docs/images/fast/validation-ap50.svg \
  "Faster R-CNN=$W/faster/history.json" "Fast R-CNN (selective search)=$W/fast-ss/history.json"
