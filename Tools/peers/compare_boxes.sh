#!/usr/bin/env bash
# Times RegionKit's Boxes benchmarks and the torchvision peer on the same seeded 10k boxes, in
# one go, checks that both keep the same boxes, and prints the ratios
# (RegionKit / torchvision; below 1 means RegionKit is faster). Single thread, release build.
#
#   Tools/peers/compare_boxes.sh            # from the package root
#   REPEATS=30 Tools/peers/compare_boxes.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repeats="${REPEATS:-30}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$here/setup.sh"
python="$here/.venv/bin/python"

cd "$root/Benchmarks"
swift build -c release --product BoxesPeerCheck 2>&1 | grep -E "error|Compiling|Build" || true
"$(swift build -c release --show-bin-path)/BoxesPeerCheck" > "$work/check.json"

echo "== RegionKit (package-benchmark, release) =="
swift package --allow-writing-to-package-directory benchmark --target BoxesBenchmarks \
  --no-progress --metric wallClock --time-units microseconds 2>&1 | grep -v "prohibited flag" \
  | tee "$work/regionkit.txt"

echo "== torchvision (CPU, 1 thread) =="
"$python" "$here/boxes_peer.py" --check "$work/check.json" --repeats "$repeats" \
  --iou-repeats "$repeats" | tee "$work/torchvision.jsonl"

"$python" - "$work/regionkit.txt" "$work/torchvision.jsonl" <<'PY'
import json, re, sys

# package-benchmark's text table: a benchmark name line, then a "Time (wall clock) (μs)" row
# whose columns are p0 p25 p50 p75 p90 p99 p100 samples.
regionkit, name = {}, None
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if re.fullmatch(r"[a-z0-9-]+/[a-z0-9]+", line):
        name = line
    elif name and line.startswith("│ Time (wall clock)"):
        cells = [c.strip() for c in line.strip("│").split("│")]
        unit = re.search(r"\((ns|μs|us|ms|s)\)", cells[0]).group(1)
        scale = {"ns": 1e-6, "μs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
        regionkit[name] = float(cells[3].replace(",", "")) * scale  # p50 = median
        name = None
peer, versions = {}, {}
for line in open(sys.argv[2], encoding="utf-8"):
    record = json.loads(line)
    if "median_ms" in record:
        peer[record["name"]] = record["median_ms"]
    elif record["name"] == "versions":
        versions = record
print()
print(f"torch {versions.get('torch')}, torchvision {versions.get('torchvision')}, threads {versions.get('threads')}")
print(f"{'benchmark':<20}{'RegionKit ms':>14}{'torchvision ms':>16}{'ratio':>8}")
for key in sorted(peer):
    if key in regionkit:
        print(f"{key:<20}{regionkit[key]:>14.2f}{peer[key]:>16.2f}{regionkit[key] / peer[key]:>8.3f}")
missing = sorted(set(peer) ^ set(regionkit))
if missing:
    print("not in both:", ", ".join(missing))
PY
