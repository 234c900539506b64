#!/usr/bin/env bash
# Throughput of `regionkit propose` with 1 and 2 cores (and more with CORES), for any method.
#
#   Tools/scaling.sh [METHOD] [DATASET]
#     METHOD   a --method value (default: sliding-window; e.g. selective-search once it exists)
#     DATASET  default: ../shared/data/coco-tiny (160 COCO images)
#   Environment:
#     CORES="1 2"       job counts to measure (each also bounded with taskset to that many cores)
#     REPEATS=3         runs per setting; the fastest is kept
#     EXTRA_ARGS=""     more propose options, e.g. "--top 2000 --max-side 500"
#     REGIONKIT=.build/release/regionkit (built with `swift build -c release` when missing)
#
# Each run is a fresh sharded run (-o OUTDIR, the resumable path), so file writing, fsync and
# the fingerprint are included; decoding is included too. Prints a Markdown table of wall time,
# images per second, images per second per core and the speed-up over one core.
set -euo pipefail
cd "$(dirname "$0")/.."
method="${1:-sliding-window}"
dataset="${2:-../shared/data/coco-tiny}"
cores="${CORES:-1 2}"
repeats="${REPEATS:-3}"
regionkit="${REGIONKIT:-.build/release/regionkit}"
read -r -a extra <<< "${EXTRA_ARGS:-}"

if [ ! -x "$regionkit" ]; then
  swift build -c release --product regionkit >&2
fi
if [ ! -e "$dataset" ]; then
  echo "scaling.sh: no dataset at $dataset" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

count=$("$regionkit" info "$dataset" | sed -n 's/^images: *\([0-9][0-9]*\).*/\1/p' | head -1)
if [ -z "$count" ]; then
  echo "scaling.sh: regionkit info did not report an image count for $dataset" >&2
  exit 2
fi

best_time() {  # best_time JOBS -> "wall cpu" seconds of the fastest of $repeats runs
  local jobs=$1 best="" best_cpu="" cpus
  cpus=$(seq -s, 0 $((jobs - 1)))
  for _ in $(seq "$repeats"); do
    rm -rf "$work/out"
    local TIMEFORMAT="%R %U %S" timing
    timing=$( { time taskset -c "$cpus" "$regionkit" propose "$dataset" --method "$method" \
      --jobs "$jobs" --no-progress ${extra[@]+"${extra[@]}"} -o "$work/out" \
      > "$work/stdout" 2> "$work/stderr" || {
        echo "scaling.sh: propose failed:" >&2; cat "$work/stderr" >&2; exit 1; } ; } 2>&1 )
    local elapsed cpu
    read -r elapsed user system <<< "$timing"
    cpu=$(echo "$user + $system" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$elapsed < $best" | bc -l)" = 1 ]; then
      best=$elapsed
      best_cpu=$cpu
    fi
  done
  local written
  written=$(wc -l < "$work/out/shard-00000-of-00001.jsonl")
  if [ "$written" -ne "$count" ]; then
    echo "scaling.sh: wrote $written records for $count images" >&2
    exit 1
  fi
  echo "$best $best_cpu"
}

echo "method: $method, dataset: $dataset ($count images), best of $repeats runs," \
  "$(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| cores | wall s | CPU s | images/s | images/s per core | images per CPU-second | speed-up |"
echo "|------:|-------:|------:|---------:|------------------:|----------------------:|---------:|"
base=""
for jobs in $cores; do
  read -r seconds cpu <<< "$(best_time "$jobs")"
  rate=$(echo "$count / $seconds" | bc -l)
  [ -n "$base" ] || base=$seconds
  printf "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2fx |\n" "$jobs" "$seconds" "$cpu" "$rate" \
    "$(echo "$rate / $jobs" | bc -l)" "$(echo "$count / $cpu" | bc -l)" "$(echo "$base / $seconds" | bc -l)"
done
echo
echo "Speed-up needs idle cores: with a load average above $(nproc) other processes share them."
