#!/usr/bin/env bash
# Reproduces the R-CNN numbers of Docs/detectors.md (one command per run).
#   Tools/detectors/rcnn.sh [WORK_DIR]   (default out/rcnn-runs)
# RACCOON names a Pascal VOC copy of the raccoon set (default ../shared/data/raccoon).
set -euo pipefail
work="${1:-out/rcnn-runs}"
RACCOON="${RACCOON:-../shared/data/raccoon}"
mkdir -p "$work"
swift build -c release --product regionkit
B=$(swift build -c release --show-bin-path)/regionkit

# Synthetic scenes: 300 training images (seed 1), 100 held-out test images (seed 2).
$B synth -o "$work/train" --images 300 --seed 1 --size 128x128 --objects 4
$B synth -o "$work/test" --images 100 --seed 2 --size 128x128 --objects 4

# R-CNN + HOG/SVM: train (validation AP50 on the seeded 20% split), then the held-out set.
$B train rcnn --classifier hog-svm "$work/train" -o "$work/hog" --force --no-progress
$B detect "$work/hog" "$work/test" -o "$work/hog-test.json" --draw "$work/hog-draw" --evaluate --no-progress

# R-CNN + CNN: 8 epochs of 64-region batches.
$B train rcnn --classifier cnn "$work/train" -o "$work/cnn" --force --epochs 8 --batch-size 64 --no-progress
$B detect "$work/cnn" "$work/test" -o "$work/cnn-test.json" --draw "$work/cnn-draw" --evaluate --no-progress

# R-CNN with networks trained elsewhere: the tiny shape classifier of Fixtures/onnx/rcnn (trained
# in PyTorch on 96x96 scenes of other seeds, Tools/onnx/make_rcnn_fixtures.py) as it is, and
# linear SVMs on its fc7 and pool5 (flattened) features. Detection on one thread (--jobs 1).
N=Fixtures/onnx/rcnn/shapes_classifier.onnx
$B train rcnn --classifier onnx --model "$N" --labels Fixtures/onnx/rcnn/shapes_classifier.labels.txt \
  "$work/train" -o "$work/onnx" --force --no-progress
$B detect "$work/onnx" "$work/test" -o "$work/onnx-test.json" --evaluate --no-progress --jobs 1
$B train rcnn --classifier onnx-features --model "$N:fc7" "$work/train" -o "$work/onnx-fc7" --force --no-progress
$B detect "$work/onnx-fc7" "$work/test" -o "$work/onnx-fc7-test.json" --evaluate --no-progress --jobs 1
$B train rcnn --classifier onnx-features --model "$N:pool5" --feature-pooling flatten "$work/train" \
  -o "$work/onnx-pool5" --force --no-progress
$B detect "$work/onnx-pool5" "$work/test" -o "$work/onnx-pool5-test.json" --evaluate --no-progress --jobs 1

# Raccoon (200 photos, one class), seeded 80/20 split.
if [ -d "$RACCOON" ]; then
  $B train rcnn --classifier hog-svm "$RACCOON" -o "$work/raccoon-hog" --force --crop-size 64 --no-progress
  for seed in 0 1 2; do
    $B train rcnn --classifier cnn "$RACCOON" -o "$work/raccoon-cnn-$seed" --force --epochs 4 --batch-size 64 \
      --seed "$seed" --no-progress
  done
fi
