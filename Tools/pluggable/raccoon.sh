#!/usr/bin/env bash
# A network trained in PyTorch, plugged into RegionKit on real photos (raccoon, seeded 80/20
# split): the same ONNX file and the same proposals file through
#   1. the R-CNN pipeline written in Python (evaluate_python.py),
#   2. RegionKit's R-CNN with --classifier onnx,
#   3. RegionKit's R-CNN with --classifier command (command_classifier.py),
#   4. RegionKit's Fast R-CNN with the network's convolutions as a frozen backbone,
# then a table of validation AP50s (report.py).
#
#   Tools/pluggable/raccoon.sh [WORK_DIR]     (default out/pluggable)
#
# RACCOON names the Pascal VOC raccoon folder (default ../shared/data/raccoon); SEED the split,
# weights and sampling seed (default 0); EPOCHS the PyTorch epochs (default: train_cnn.py's);
# STAGES the RegionKit stages to run (default "onnx command fast"; "" runs the Python side only).
# The proposals file is computed once and reused while it exists.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${1:-out/pluggable}"
RACCOON="${RACCOON:-../shared/data/raccoon}"
SEED="${SEED:-0}"
STAGES="${STAGES-onnx command fast}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
RACCOON="$(cd "$RACCOON" && pwd)"

swift build -c release --product regionkit
B="$(swift build -c release --show-bin-path)/regionkit"
bash "$here/setup.sh"
PY="$here/.venv/bin/python"
"$PY" "$here/selfcheck.py"

# Proposals: selective search "fast", seed 0, all boxes kept (R-CNN reads the best 2000): the
# generator `train rcnn` runs when given no --proposals.
if [ ! -f "$work/proposals.jsonl" ]; then
  "$B" propose "$RACCOON" --method selective-search --mode fast --seed 0 \
    -o "$work/proposals.jsonl" --no-progress
fi

# The network: PyTorch on the CPU, RegionKit's training split only.
"$PY" "$here/train_cnn.py" "$RACCOON" --proposals "$work/proposals.jsonl" -o "$work/net" \
  --seed "$SEED" ${EPOCHS:+--epochs "$EPOCHS"} | tee "$work/train.log"

# The proposals of the validation images only: `detect --skip-missing` then scores exactly them.
"$PY" - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
names = set(json.load(open(f"{work}/net/net.json"))["validation_images"])
with open(f"{work}/proposals.jsonl") as source, open(f"{work}/validation.jsonl", "w") as target:
    target.writelines(line for line in source if json.loads(line)["image"] in names)
EOF

# 1. The Python pipeline, with and without the box deltas (one pass of the network).
"$PY" "$here/evaluate_python.py" "$RACCOON" --proposals "$work/proposals.jsonl" --model "$work/net" \
  --seed "$SEED" --results "$work/python.json" --summary "$work/python.summary.json" \
  --no-deltas-results "$work/python-nodeltas.json" --no-deltas-summary "$work/python-nodeltas.summary.json" \
  | tee "$work/python.log"

# R-CNN in RegionKit: `train` packages the model folder and prints the validation AP50 of the
# same split; `detect --evaluate` on the validation images writes the detections compared below.
rcnn() {  # NAME TRAIN-OPTIONS...
  local name="$1"
  shift
  "$B" train rcnn "$RACCOON" -o "$work/$name" --force --no-progress --seed "$SEED" \
    --proposals "$work/proposals.jsonl" "$@" | tee "$work/$name.train.log"
  "$B" detect "$work/$name" "$RACCOON" --proposals "$work/validation.jsonl" --skip-missing \
    --evaluate -o "$work/$name.json" --no-progress 2>&1 | tee "$work/$name.detect.log"
}
crop="$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["crop_size"])' "$work/net/net.json")"
for stage in $STAGES; do
  case "$stage" in
    onnx)
      # 2. The ONNX file as R-CNN's classifier (ImageNet normalisation is the default).
      rcnn rcnn-onnx --classifier onnx --model "$work/net/net.onnx" --labels "$work/net/labels.txt" \
        --crop-size "$crop" ;;
    command)
      # 3. The same network out of process, with and without its box deltas.
      rcnn rcnn-command --classifier command --command "$PY $here/command_classifier.py $work/net"
      rcnn rcnn-command-nodeltas --classifier command \
        --command "$PY $here/command_classifier.py $work/net --no-box-deltas" ;;
    fast)
      # 4. Fast R-CNN on the network's stride-8 feature map, frozen; heads trained here.
      "$B" train fast-rcnn "$RACCOON" -o "$work/fast" --force --no-progress --seed "$SEED" \
        --proposals "$work/proposals.jsonl" --backbone "$work/net/net.onnx:conv3" --freeze-backbone \
        | tee "$work/fast.train.log"
      "$B" detect "$work/fast" "$RACCOON" --proposals "$work/validation.jsonl" --skip-missing \
        --evaluate -o "$work/fast.json" --no-progress 2>&1 | tee "$work/fast.detect.log" ;;
    *) echo "raccoon.sh: unknown stage $stage (allowed: onnx, command, fast)" >&2; exit 2 ;;
  esac
done

"$PY" "$here/report.py" "$work" --dataset "$RACCOON" --markdown "$work/report.md"
