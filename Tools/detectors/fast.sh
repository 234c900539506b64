#!/usr/bin/env bash
# Fast R-CNN and Faster R-CNN measurements of Docs/detectors-fast.md (release build).
# Usage: Tools/detectors/fast.sh [WORKDIR]   (default /tmp/fast)
set -euo pipefail
W=${1:-/tmp/fast}
mkdir -p "$W"
swift build -c release --product regionkit
K=$(swift build -c release --show-bin-path)/regionkit

# Data: 500 training scenes (seed 1, 20% held out for validation), 200 test scenes (seed 2).
$K synth -o "$W/scenes-train" --images 500 --seed 1 --size 128x128 --objects 4
$K synth -o "$W/scenes-test" --images 200 --seed 2 --size 128x128 --objects 4

# Faster R-CNN (RPN + head, approximate joint training).
$K train --arch faster-rcnn "$W/scenes-train" -o "$W/faster" --epochs 8 --learning-rate 0.001 \
  --seed 0 --validation-fraction 0.2
# Fast R-CNN on selective-search (fast) proposals, 500 per image.
$K train --arch fast-rcnn "$W/scenes-train" -o "$W/fast-ss" --epochs 8 --learning-rate 0.001 \
  --seed 0 --validation-fraction 0.2 --proposals selective-search

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
