#!/usr/bin/env bash
# Reproduces the R-CNN numbers of Docs/detectors.md (one command per run).
#   Tools/detectors/rcnn.sh [WORK_DIR]   (default out/rcnn-runs)
# Needs the raccoon dataset (RACCOON, default ../shared/data/raccoon) for the raccoon runs (skipped when missing).
set -euo pipefail
work="${1:-out/rcnn-runs}"
RACCOON="${RACCOON:-../shared/data/raccoon}"  # a Pascal VOC dataset
B=.build/release/regionkit
swift build -c release --product regionkit
mkdir -p "$work"

# Synthetic scenes: 300 training images (seed 1), 100 held-out test images (seed 2).
$B synth -o "$work/train" --images 300 --seed 1 --size 128x128 --objects 4
$B synth -o "$work/test" --images 100 --seed 2 --size 128x128 --objects 4

# R-CNN + HOG/SVM: train (validation AP50 on the seeded 20% split), then the held-out set.
$B train --arch rcnn --classifier hog-svm "$work/train" -o "$work/hog" --no-progress
$B detect "$work/hog" "$work/test" -o "$work/hog-test.json" --draw "$work/hog-draw" --no-progress

# R-CNN + CNN: 8 epochs over the region pool, batches of 64 regions.
$B train --arch rcnn --classifier cnn "$work/train" -o "$work/cnn" --epochs 8 --batch-size 64 --no-progress
$B detect "$work/cnn" "$work/test" -o "$work/cnn-test.json" --draw "$work/cnn-draw" --no-progress

# Raccoon (one class), seeded 80/20 split: validation AP50 in the model's validation.json.
if [ -d "$RACCOON" ]; then
  $B train --arch rcnn --classifier hog-svm "$RACCOON" -o "$work/raccoon-hog" --crop-size 64 --no-progress
  $B train --arch rcnn --classifier cnn "$RACCOON" -o "$work/raccoon-cnn" --epochs 4 --batch-size 64 --no-progress
fi
