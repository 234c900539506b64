#!/usr/bin/env python3
"""torchvision peer of RegionKit's Boxes benchmarks (Benchmarks/Benchmarks/BoxesBenchmarks).

Builds the same seeded input as Benchmarks/Sources/BenchmarkInputs/BenchmarkBoxes.swift
(SplitMix64, dyadic values, so the float32 inputs are bit-identical), then times on the CPU
with one thread:

  iou-matrix/10kx1k  torchvision.ops.box_iou(boxes, boxes[:1000])  (a 10k x 1k matrix)
  nms/10k          torchvision.ops.nms(boxes, scores, 0.5)
  batched-nms/10k  torchvision.ops.batched_nms(boxes, scores, class_ids, 0.5)

Each is run once to warm up, then `--repeats` times; the median wall-clock time is printed
as JSON lines. With `--check FILE` (the output of the BoxesPeerCheck executable) it also
checks that the inputs agree and that RegionKit's kept indices equal torchvision's.
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torchvision
from torchvision.ops import batched_nms, box_iou, nms

MASK = (1 << 64) - 1


class SplitMix64:
    """Steele, Lea & Flood 2014; the same sequence as Boxes.SplitMix64."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


SEED = 20261125  # BenchmarkBoxes.seed


def benchmark_boxes(count, seed=SEED):
    """Boxes (float32 [N, 4]), scores (float32 [N]) and class ids (int64 [N])."""
    generator = SplitMix64(seed)
    boxes, scores, classes = [], [], []
    for _ in range(count):
        x1 = (generator.next() % 8000) / 8
        y1 = (generator.next() % 6400) / 8
        width = (64 + generator.next() % 1536) / 8
        height = (64 + generator.next() % 1536) / 8
        boxes.append((x1, y1, x1 + width, y1 + height))  # exact: dyadic, < 2^11
        scores.append((generator.next() >> 40) / 16777216)
        classes.append(generator.next() % 80)
    return (
        torch.tensor(boxes, dtype=torch.float32),
        torch.tensor(scores, dtype=torch.float32),
        torch.tensor(classes, dtype=torch.int64),
    )


def median_ms(function, repeats):
    function()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), min(times)


def check(path, boxes, scores, classes, threshold):
    with open(path) as handle:
        swift = json.load(handle)
    problems = []
    coordinate_sum = float(boxes.double().sum())
    if abs(swift["coordinate_sum"] - coordinate_sum) > 1e-6 * abs(coordinate_sum):
        problems.append(f"coordinate sums differ: {swift['coordinate_sum']} vs {coordinate_sum}")
    if abs(swift["score_sum"] - float(scores.double().sum())) > 1e-6 * len(scores):
        problems.append("score sums differ")
    if swift["class_sum"] != int(classes.sum()):
        problems.append("class id sums differ")
    keep = nms(boxes, scores, threshold).tolist()
    if swift["nms_keep"] != keep:
        problems.append(f"nms: {len(swift['nms_keep'])} kept by RegionKit, {len(keep)} by torchvision, or another order")
    batched = batched_nms(boxes, scores, classes, threshold).tolist()
    # Above 1000 boxes torchvision loops over classes and re-sorts without a stable sort:
    # compare as sets, then RegionKit's order (score descending, ties by index).
    if set(swift["batched_nms_keep"]) != set(batched):
        problems.append("batched_nms: different kept sets")
    expected_order = sorted(batched, key=lambda i: (-float(scores[i]), i))
    if swift["batched_nms_keep"] != expected_order:
        problems.append("batched_nms: order differs from score descending, ties by index")
    for problem in problems:
        print(f"parity: {problem}", file=sys.stderr)
    return {"name": "parity", "ok": not problems, "nms_kept": len(keep), "batched_nms_kept": len(batched)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--iou-repeats", type=int, default=15)
    parser.add_argument("--check", help="JSON printed by BoxesPeerCheck")
    arguments = parser.parse_args()

    torch.set_num_threads(1)
    boxes, scores, classes = benchmark_boxes(arguments.count)
    label = f"{arguments.count // 1000}k" if arguments.count % 1000 == 0 else str(arguments.count)
    print(json.dumps({"name": "versions", "torch": torch.__version__, "torchvision": torchvision.__version__,
                      "threads": torch.get_num_threads()}))
    if arguments.check:
        result = check(arguments.check, boxes, scores, classes, 0.5)
        print(json.dumps(result))
        if not result["ok"]:
            sys.exit(1)
    cases = [
        (f"iou-matrix/{label}x1k", lambda: box_iou(boxes, boxes[:1000]), arguments.iou_repeats),
        (f"nms/{label}", lambda: nms(boxes, scores, 0.5), arguments.repeats),
        (f"batched-nms/{label}", lambda: batched_nms(boxes, scores, classes, 0.5), arguments.repeats),
    ]
    if arguments.repeats <= 0:
        return
    with torch.inference_mode():
        for name, function, repeats in cases:
            median, fastest = median_ms(function, repeats)
            print(json.dumps({"name": name, "median_ms": round(median, 4), "min_ms": round(fastest, 4),
                              "repeats": repeats}), flush=True)


if __name__ == "__main__":
    main()
