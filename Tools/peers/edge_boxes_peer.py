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

Usage: Tools/peers/setup_opencv.sh && Tools/peers/.venv-opencv/bin/python \
         Tools/peers/edge_boxes_peer.py [--dataset DIR] [--limit N] [--top N] [--out DIR] [--markdown FILE]
         [--reuse] [--rounds R] [--edge-boxes-only]
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
    parser.add_argument("--svg", default=None, help="also write AR-vs-N curves to this SVG file")
    parser.add_argument("--rounds", type=int, default=0,
                        help="then time RegionKit and OpenCV again on the dumped maps, alternating, "
                             "this many rounds, and print each round's ratio and the median (default 0)")
    parser.add_argument("--edge-boxes-only", action="store_true",
                        help="run and evaluate only the two EdgeBoxes (skip sliding window and segment boxes)")
    parser.add_argument("--reuse", action="store_true",
                        help="skip the runs and re-evaluate the proposal files already in --out")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    run(["swift", "build", "-c", "release", "--product", "EdgeBoxesPeerBenchmark"], cwd=ROOT / "Benchmarks")
    bench = ROOT / "Benchmarks/.build/release/EdgeBoxesPeerBenchmark"
    if not args.reuse:
        command = [bench, args.dataset, out, "--top", str(args.top)]
        if args.limit:
            command += ["--limit", str(args.limit)]
        if args.edge_boxes_only:
            command += ["--edge-boxes-only"]
        run(command)
        run_opencv(out, args.top)
    evaluate(bench, out, args)
    if args.rounds:
        timing_rounds(bench, out, args)


def timing_rounds(bench, out, args):
    """Alternates RegionKit (`EdgeBoxesPeerBenchmark time`) and OpenCV on the same maps, so load
    from other processes hits both alike; prints per-round seconds/image and the median ratio."""
    import statistics
    ratios = []
    for r in range(args.rounds):
        command = [bench, "time", out / "maps", "--top", str(args.top)]
        if args.limit:
            command += ["--limit", str(args.limit)]
        ours = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)["seconds"]
        theirs = run_opencv(out, args.top, limit=args.limit)
        ratios.append(theirs / ours)
        print(f"round {r + 1}: RegionKit {ours:.4f} s/image, OpenCV {theirs:.4f} s/image, ratio {ratios[-1]:.2f}x")
    print(f"median ratio OpenCV / RegionKit over {args.rounds} rounds: {statistics.median(ratios):.2f}x")


def run_opencv(out, top, limit=None):
    """Runs OpenCV's EdgeBoxes on the dumped maps; returns the mean thread CPU s/image."""
    cv2.setNumThreads(1)
    generator = cv2.ximgproc.createEdgeBoxes(
        alpha=0.65, beta=0.75, eta=1, minScore=0.01, maxBoxes=top, edgeMinMag=0.1,
        edgeMergeThr=0.5, clusterMinMag=0.5, maxAspectRatio=3, minBoxArea=1000, gamma=2, kappa=1.5)
    lines = []
    seconds_total = 0.0
    for row in (out / "maps/manifest.tsv").read_text().splitlines()[:limit]:
        index, name, width, height = row.split("\t")
        width, height = int(width), int(height)
        edges = np.fromfile(out / f"maps/{index}.edges.f32", dtype="<f4").reshape(height, width)
        orientation = np.fromfile(out / f"maps/{index}.orientation.f32", dtype="<f4").reshape(height, width)
        start = time.thread_time()
        result = generator.getBoundingBoxes(edges, orientation)
        seconds = time.thread_time() - start
        seconds_total += seconds
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
    return seconds_total / max(len(lines), 1)


def evaluate(bench, out, args):

    files = ["regionkit-edge-boxes", "opencv-edge-boxes"]
    if not args.edge_boxes_only:
        files += ["sliding-window", "segments"]
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
    if args.svg:
        Path(args.svg).write_text(curves_svg(results, files))


def curves_svg(results, files):
    """A small self-contained SVG line plot of AR against N (log scale)."""
    import math
    width, height, left, bottom, top, right = 560, 360, 60, 40, 20, 170
    colours = ["#1f77b4", "#d62728", "#7f7f7f", "#2ca02c"]
    counts = sorted(int(n) for n in results[files[0]]["curve"])
    ymax = max(max(results[f]["curve"].values()) for f in files) * 1.1 or 1
    def px(n):
        return left + (math.log10(n) - math.log10(counts[0])) / (math.log10(counts[-1]) - math.log10(counts[0])) * (width - left - right)
    def py(v):
        return height - bottom - v / ymax * (height - top - bottom)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="black"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="black"/>',
             f'<text x="{(left + width - right) / 2}" y="{height - 8}" text-anchor="middle">proposals per image N (log)</text>',
             f'<text x="14" y="{(top + height - bottom) / 2}" transform="rotate(-90 14 {(top + height - bottom) / 2})" text-anchor="middle">average recall</text>']
    for n in counts:
        parts.append(f'<text x="{px(n):.1f}" y="{height - bottom + 14}" text-anchor="middle">{n}</text>')
    for k in range(6):
        v = ymax * k / 5
        parts.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{v:.2f}</text>')
    for i, name in enumerate(files):
        points = " ".join(f"{px(n):.1f},{py(results[name]['curve'][str(n)]):.1f}" for n in counts)
        colour = colours[i % len(colours)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        parts.append(f'<line x1="{width - right + 10}" y1="{top + 10 + 18 * i}" x2="{width - right + 30}" y2="{top + 10 + 18 * i}" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{width - right + 35}" y="{top + 14 + 18 * i}">{name}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    main()
