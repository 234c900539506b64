#!/usr/bin/env python3
"""RegionKit's EdgeBoxes against OpenCV's ximgproc EdgeBoxes on the same edge maps, same run.

1. Runs the release build of Benchmarks/EdgeBoxesPeerBenchmark on the dataset: it computes
   RegionKit's thinned Sobel edge map and gradient orientation (modulo pi, OpenCV's
   computeOrientation convention) for every image, dumps them as raw float32 files, and
   writes RegionKit's EdgeBoxes, sliding-window and segment-box proposals (JSON Lines).
2. Feeds the same maps to cv2.ximgproc.createEdgeBoxes(...).getBoundingBoxes(edges, orientation)
   with the same parameters (alpha 0.65, beta 0.75, eta 1, minScore 0.01, maxBoxes --top,
   edgeMinMag 0.1, edgeMergeThr 0.5, clusterMinMag 0.5, maxAspectRatio 3, minBoxArea 1000,
   gamma 2, kappa 1.5), one thread (cv2.setNumThreads(1)), and writes its boxes and scores in
   RegionKit's schema (with its scores when the binding returns them, else zeros, kept in
   OpenCV's order). OpenCV returns Rect(x0 + 1, y0 + 1, w, h) for a box over pixels
   x0..x0+w, y0..y0+h (inclusive), i.e. [x - 1, y - 1, x + w, y + h] in pixel-edge coordinates.
3. Scores every file with RegionKit's ProposalEvaluation (`EdgeBoxesPeerBenchmark evaluate`) and
   prints AR at N = 100, 300, 1000 and the per-image proposal time (thread CPU seconds, the
   edge map excluded for both EdgeBoxes; the sliding window and segment boxes include their
   whole work), and the time ratio OpenCV / RegionKit.

Usage: Tools/peers/setup_opencv_eb.sh && Tools/peers/.venv-opencv/bin/python \
         Tools/peers/edge_boxes_peer.py [--dataset DIR] [--limit N] [--top N] [--out DIR] [--markdown FILE]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def run(command, **kwargs):
    print("+", " ".join(str(c) for c in command), file=sys.stderr)
    subprocess.run(command, check=True, **kwargs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", default=str(ROOT.parent / "shared/data/coco-tiny"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--top", type=int, default=1000)
    parser.add_argument("--out", default=str(ROOT / ".build/edge-boxes-peer"))
    parser.add_argument("--markdown", default=None, help="also write the table to this file")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    run(["swift", "build", "-c", "release", "--product", "EdgeBoxesPeerBenchmark"], cwd=ROOT / "Benchmarks")
    bench = ROOT / "Benchmarks/.build/release/EdgeBoxesPeerBenchmark"
    command = [bench, args.dataset, out, "--top", str(args.top)]
    if args.limit:
        command += ["--limit", str(args.limit)]
    run(command)

    cv2.setNumThreads(1)
    generator = cv2.ximgproc.createEdgeBoxes(
        alpha=0.65, beta=0.75, eta=1, minScore=0.01, maxBoxes=args.top, edgeMinMag=0.1,
        edgeMergeThr=0.5, clusterMinMag=0.5, maxAspectRatio=3, minBoxArea=1000, gamma=2, kappa=1.5)
    lines = []
    for row in (out / "maps/manifest.tsv").read_text().splitlines():
        index, name, width, height = row.split("\t")
        width, height = int(width), int(height)
        edges = np.fromfile(out / f"maps/{index}.edges.f32", dtype="<f4").reshape(height, width)
        orientation = np.fromfile(out / f"maps/{index}.orientation.f32", dtype="<f4").reshape(height, width)
        start = time.thread_time()
        result = generator.getBoundingBoxes(edges, orientation)
        seconds = time.thread_time() - start
        boxes, scores = (result if isinstance(result, tuple) else (result, None))
        boxes = np.asarray(boxes).reshape(-1, 4)
        scores = np.asarray(scores).reshape(-1) if scores is not None else np.zeros(len(boxes))
        lines.append(json.dumps({
            "image": name, "width": width, "height": height, "seconds": seconds,
            "boxes": [[float(x - 1), float(y - 1), float(x + w), float(y + h)] for x, y, w, h in boxes],
            "scores": [float(s) for s in scores],
            "provenance": [{"method": "opencv-edge-boxes"}] * len(boxes),
        }))
    (out / "opencv-edge-boxes.jsonl").write_text("\n".join(lines) + "\n")

    files = ["regionkit-edge-boxes", "opencv-edge-boxes", "sliding-window", "segments"]
    command = [bench, "evaluate", args.dataset] + [out / f"{name}.jsonl" for name in files]
    if args.limit:
        command += ["--limit", str(args.limit)]
    print("+", " ".join(str(c) for c in command), file=sys.stderr)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    results = {Path(r["file"]).stem: r for r in map(json.loads, output.splitlines())}
    rows = ["| method | AR@100 | AR@300 | AR@1000 | s/image (1 thread) |", "| --- | ---: | ---: | ---: | ---: |"]
    for name in files:
        r = results[name]
        rows.append(f"| {name} | {r['ar100']:.3f} | {r['ar300']:.3f} | {r['ar1000']:.3f} | {r['seconds']:.4f} |")
    ratio = results["opencv-edge-boxes"]["seconds"] / max(results["regionkit-edge-boxes"]["seconds"], 1e-12)
    rows += ["", f"EdgeBoxes time ratio OpenCV / RegionKit (same edge maps, 1 thread): {ratio:.2f}x"]
    table = "\n".join(rows)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table + "\n")
    (out / "curves.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
