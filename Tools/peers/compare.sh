#!/usr/bin/env bash
# One command per comparison of Docs/benchmarks.md and Docs/onnx.md: sets up the Python peers
# from PyPI (idempotent venvs under Tools/), builds the Swift side in release mode, runs both
# sides on the same machine in the same run, and writes the tables to out/bench/ and the plots
# into Docs/images/.
#
#   Tools/peers/compare.sh COMPARISON
#
#   boxes                       Boxes vs torchvision (IoU matrix, NMS, batched NMS; parity check first)
#   neuralnet                   one training step of a small CNN vs PyTorch CPU, 1 and 2 threads
#   segmentation                FH and SLIC vs OpenCV-contrib and scikit-image, all of coco-tiny
#   selective-search            recall and speed vs OpenCV ximgproc, all of coco-tiny, and the
#                               time against image size (about 45 minutes: OpenCV is slow)
#   selective-search-agreement  the opencv- presets' boxes against OpenCV's own, on the committed
#                               reference and on a study of 72 images of ../shared/data
#   edge-boxes                  EdgeBoxes vs OpenCV on the same edge maps, with sliding windows
#                               and segment boxes, all of coco-tiny
#   onnx                        parity with PyTorch and onnxruntime on six torchvision classifiers,
#                               and forward-pass speed next to them
#
# The data sets are read from ../shared/data (coco-tiny, raccoon); COCO_TINY overrides the first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
out="out/bench"
coco_tiny="$(realpath -m "${COCO_TINY:-$root/../shared/data/coco-tiny}")"
mkdir -p "$out"

build_benchmark() {  # a release product of the Benchmarks package
  (cd Benchmarks && swift build -c release --product "$1")
}

case "${1:-}" in
  boxes)
    exec "$here/compare_boxes.sh"
    ;;
  neuralnet)
    "$here/setup_torch.sh"
    build_benchmark NeuralNetTimer
    "$here/.venv/bin/python" "$here/nn_peer.py" --iterations 7 --json "$out/neuralnet.json" \
      | tee "$out/neuralnet.md"
    ;;
  segmentation)
    "$here/setup_segmentation.sh"
    "$here/.venv/bin/python" "$here/segmentation_peer.py" --images "$coco_tiny/images" \
      --fh-connectivity 4 --markdown "$out/segmentation.md" --svg Docs/images/segmentation-times.svg
    ;;
  selective-search)
    "$here/setup_opencv.sh"
    build_benchmark SelectiveSearchTimer
    python="$here/.venv-opencv/bin/python"
    common=(--dataset "$coco_tiny" --limit single=160,fast=160,quality=160 --out "$out/selective-search")
    "$python" "$here/selective_search_peer.py" "${common[@]}" --side opencv --scaling --opencv-max-side 2048
    "$python" "$here/selective_search_peer.py" "${common[@]}" --side regionkit --scaling --scaling-repeats 3
    "$python" "$here/selective_search_peer.py" --out "$out/selective-search" --report Docs/images \
      --markdown "$out/selective-search.md"
    ;;
  selective-search-agreement)
    "$here/setup_opencv.sh"
    swift build -c release --product regionkit
    python="$here/.venv-opencv/bin/python"
    reference="$root/Tools/goldens/selective_search_reference.py"
    "$python" "$reference" compare | tee "$out/selective-search-agreement.md"
    "$python" "$reference" study --out "$out/selective-search-study"
    "$python" "$reference" compare --reference "$out/selective-search-study/study.json" \
      --crops "$out/selective-search-study/crops" | tee -a "$out/selective-search-agreement.md"
    ;;
  edge-boxes)
    "$here/setup_opencv.sh"
    "$here/.venv-opencv/bin/python" "$here/edge_boxes_peer.py" --dataset "$coco_tiny" \
      --out "$out/edge-boxes" --rounds 3 --markdown "$out/edge-boxes.md" \
      --svg Docs/images/edge-boxes-ar-vs-n.svg
    ;;
  onnx)
    "$root/Tools/onnx/setup.sh"
    build_benchmark ONNXTimer
    python="$root/Tools/onnx/.venv/bin/python"
    "$python" Tools/onnx/torchvision_parity.py --markdown "$out/onnx-parity.md"
    "$python" Tools/onnx/speed.py --json "$out/onnx-speed.json" | tee "$out/onnx-speed.md"
    ;;
  *)
    sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
echo "tables in $out/"
