#!/usr/bin/env bash
# The learned objectness re-ranker, measured (Docs/objectness.md). For selective search (fast)
# and EdgeBoxes: 5-fold cross-validation over coco-tiny by image with the model tested on
# raccoon, the same from raccoon to coco-tiny, and (unless ABLATIONS=0) the variants that
# explain the design (the earlier pointwise model, each change on its own, the diversity
# exponent, full-size cues). Then Tools/objectness_docs.py writes the tables into
# Docs/objectness.md, the plots into Docs/images/objectness/ and the summaries into
# Docs/objectness/.
#
# Usage: Tools/objectness.sh [WORK_DIR]   (default out/objectness; about 35 minutes on a
# shared 2-core machine, 7 with ABLATIONS=0). Needs a release build of regionkit (built when
# missing) and the shared data sets next to the project (COCO=..., RACCOON=... override).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${1:-out/objectness}
RK=${RK:-.build/release/regionkit}
COCO=${COCO:-../shared/data/coco-tiny}
RACCOON=${RACCOON:-../shared/data/raccoon}
ABLATIONS=${ABLATIONS:-1}
[ -x "$RK" ] || swift build -c release --product regionkit
mkdir -p "$WORK"

# run NAME DATASET [train objectness options...]: one study, its report in $WORK/NAME.
run() {
  local name=$1
  shift
  echo "$(date -u +%H:%M:%S) $name" >&2
  "$RK" train objectness "$@" -o "$WORK/$name.json" --report "$WORK/$name" --no-progress \
    >"$WORK/$name.log"
}

OLD_CUES=edge_density,edge_contrast,color_contrast,superpixel_straddling,log_area_fraction,log_aspect,center_distance,rank
ALL_CUES=$OLD_CUES,log_rank,log_level,log_score
IMAGE_CUES=edge_density,edge_contrast,color_contrast,superpixel_straddling

for method in selective-search edge-boxes; do
  options=(--method "$method" --folds 5)
  [ "$method" = selective-search ] && options+=(--mode fast)
  run "$method-coco-tiny" "$COCO" "${options[@]}" --test "$RACCOON"
  run "$method-raccoon" "$RACCOON" "${options[@]}" --test "$COCO"
  [ "$ABLATIONS" = 0 ] && continue
  old=(--target threshold --balance none --per-image 64 --cues "$OLD_CUES")
  run "$method-ablation-pointwise" "$COCO" "${options[@]}" "${old[@]}" --redundancy-exponent 0 \
    --test "$RACCOON"
  run "$method-ablation-pointwise-diverse" "$COCO" "${options[@]}" "${old[@]}" --test "$RACCOON"
  run "$method-ablation-recall-target" "$COCO" "${options[@]}" --balance none --cues "$OLD_CUES"
  run "$method-ablation-object-balance" "$COCO" "${options[@]}" --cues "$OLD_CUES"
  run "$method-ablation-image-cues" "$COCO" "${options[@]}" --cues "$IMAGE_CUES"
  run "$method-ablation-all-cues" "$COCO" "${options[@]}" --cues "$ALL_CUES"
  run "$method-ablation-gamma-1" "$COCO" "${options[@]}" --redundancy-exponent 1 --test "$RACCOON"
  run "$method-ablation-gamma-4" "$COCO" "${options[@]}" --redundancy-exponent 4 --test "$RACCOON"
  run "$method-ablation-full-size-cues" "$COCO" "${options[@]}" --cue-side 0
done

python3 Tools/objectness_docs.py "$WORK" .
