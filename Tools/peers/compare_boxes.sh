#!/usr/bin/env bash
# Times RegionKit's Boxes benchmarks and the torchvision peer on the same seeded 10k boxes, in
# one go, checks that both keep the same boxes, and prints the ratios
# (RegionKit / torchvision; below 1 means RegionKit is faster). Single thread, release build.
#
# The two sides run alternately for ROUNDS rounds (default 3), so a burst of load from other
# processes hits both; the table shows each round's medians and, per side, the lowest median
# over the rounds, which is the least disturbed estimate.
#
#   Tools/peers/compare_boxes.sh                      # from anywhere
#   ROUNDS=5 REPEATS=30 Tools/peers/compare_boxes.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
repeats="${REPEATS:-30}"
rounds="${ROUNDS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$here/setup.sh"
python="$here/.venv/bin/python"

cd "$root/Benchmarks"
swift build -c release --product BoxesPeerCheck 2>&1 | grep -E "error|Build" || true
"$(swift build -c release --show-bin-path)/BoxesPeerCheck" > "$work/check.json"
"$python" "$here/boxes_peer.py" --check "$work/check.json" --repeats 0

for round in $(seq 1 "$rounds"); do
  echo "== round $round: RegionKit (package-benchmark, release) =="
  swift package --allow-writing-to-package-directory benchmark --target BoxesBenchmarks \
    --no-progress --metric wallClock --time-units microseconds \
    > "$work/regionkit-$round.txt"
  grep -E "^[a-z0-9-]+/[a-z0-9]+$|Time \(wall clock\)" "$work/regionkit-$round.txt" || true
  echo "== round $round: torchvision (CPU, 1 thread) =="
  "$python" "$here/boxes_peer.py" --repeats "$repeats" --iou-repeats "$repeats" | tee "$work/torchvision-$round.jsonl"
done

"$python" - "$work" "$rounds" <<'PY'
import json, os, re, sys

work, rounds = sys.argv[1], int(sys.argv[2])

def regionkit_medians(path):
    """package-benchmark's text table: a benchmark name line, then a 'Time (wall clock) (μs)'
    row whose columns are p0 p25 p50 p75 p90 p99 p100 samples; returns p50 in ms."""
    medians, name = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if re.fullmatch(r"[a-z0-9-]+/[a-z0-9]+", line):
            name = line
        elif name and line.startswith("│ Time (wall clock)"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            unit = re.search(r"\((ns|μs|us|ms|s)\)", cells[0]).group(1)
            scale = {"ns": 1e-6, "μs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
            medians[name] = float(cells[3].replace(",", "")) * scale
            name = None
    return medians

def peer_medians(path):
    medians, versions = {}, {}
    for line in open(path, encoding="utf-8"):
        record = json.loads(line)
        if "median_ms" in record:
            medians[record["name"]] = record["median_ms"]
        elif record["name"] == "versions":
            versions = record
    return medians, versions

ours = [regionkit_medians(os.path.join(work, f"regionkit-{r}.txt")) for r in range(1, rounds + 1)]
theirs = []
for r in range(1, rounds + 1):
    medians, versions = peer_medians(os.path.join(work, f"torchvision-{r}.jsonl"))
    theirs.append(medians)
names = sorted(set.intersection(*(set(m) for m in ours + theirs)))
print()
print(f"torch {versions.get('torch')}, torchvision {versions.get('torchvision')}, threads {versions.get('threads')}")
print("median wall-clock ms per round; ratio = RegionKit / torchvision (below 1: RegionKit faster)")
for name in names:
    for r in range(rounds):
        a, b = ours[r][name], theirs[r][name]
        print(f"  {name:<20} round {r + 1}: {a:>10.2f} {b:>10.2f}  ratio {a / b:.3f}")
print(f"{'benchmark':<20}{'RegionKit':>12}{'torchvision':>14}{'ratio':>8}   (lowest median over {rounds} rounds)")
for name in names:
    a, b = min(m[name] for m in ours), min(m[name] for m in theirs)
    print(f"{name:<20}{a:>12.2f}{b:>14.2f}{a / b:>8.3f}")
PY
