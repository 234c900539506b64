#!/usr/bin/env bash
# Own peak memory and time of a proposal method at several image sizes, one fresh process per
# measurement (Benchmarks/PeakMemory).
#
#   Tools/peak_memory.sh [IMAGE]
#     IMAGE  a photo, resized to each size (default: the first image of ../shared/data/coco-tiny)
#   Environment:
#     METHOD=selective-search      a PeakMemory method (selective-search, edge-boxes, segments,
#                                  sliding-window)
#     MODES="single fast quality"  selective-search presets (ignored by the other methods)
#     THREADS="1 2"                thread counts
#     SIZES="2048x1536 4096x3072"  sizes
#     BASELINE=""                  another PeakMemory build (e.g. of an earlier commit): its run
#                                  comes right before each run of this one, for before/after columns
#
# Prints a Markdown table: own peak in MiB and bytes per pixel, and wall seconds of the call.
set -euo pipefail
cd "$(dirname "$0")/.."
image="${1:-$(ls ../shared/data/coco-tiny/images/*.jpg | head -1)}"
method="${METHOD:-selective-search}"
modes="${MODES:-single fast quality}"
threads="${THREADS:-1 2}"
sizes="${SIZES:-2048x1536 4096x3072}"
baseline="${BASELINE:-}"
[ "$method" = selective-search ] || modes="-"

(cd Benchmarks && swift build -c release --product PeakMemory >&2)
current="Benchmarks/.build/release/PeakMemory"

# Prints "MiB | B/px | s" of one run.
measure() {
  local binary="$1" size="$2" mode="$3" count="$4" options=(--threads "$count")
  [ "$mode" = - ] || options+=(--mode "$mode")
  "$binary" "$method" "$image" "${size%x*}" "${size#*x}" "${options[@]}" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
print(f"{r[\"ownPeakBytes\"] / 2**20:.0f} | {r[\"bytesPerPixel\"]:.0f} | {r[\"seconds\"]:.2f}")'
}

if [ -n "$baseline" ]; then
  echo "| size | mode | threads | before MiB | before B/px | before s | after MiB | after B/px | after s |"
  echo "|---|---|---|---|---|---|---|---|---|"
else
  echo "| size | mode | threads | MiB | B/px | s |"
  echo "|---|---|---|---|---|---|"
fi
for size in $sizes; do
  for mode in $modes; do
    for count in $threads; do
      row="| $size | $mode | $count |"
      [ -z "$baseline" ] || row="$row $(measure "$baseline" "$size" "$mode" "$count") |"
      echo "$row $(measure "$current" "$size" "$mode" "$count") |"
    done
  done
done
