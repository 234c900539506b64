#!/usr/bin/env python3
"""Side-by-side benchmark of RegionKit's NeuralNet against PyTorch CPU.

The workload (same in both): forward + backward of a small CNN
(conv3x3 3->32, ReLU, maxpool2, 32->64, ReLU, maxpool2, 64->128, ReLU, maxpool2, 128->128, ReLU)
on a batch of 16 RGB 128x128 images, RoIAlign 7x7 (scale 1/8, sampling ratio 2, aligned) on
64 boxes, fc 6272->256, ReLU, fc 256->10 and cross-entropy. See
Benchmarks/Sources/NeuralNetWorkload/SmallDetectorCNN.swift.

Each implementation runs in its own fresh process per thread count (so peak RSS is per run).

  bash Tools/peers/setup_torch.sh
  (cd Benchmarks && swift build -c release --product NeuralNetTimer)
  Tools/peers/.venv/bin/python Tools/peers/nn_peer.py [--iterations 5] [--threads 1 2]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))


def boxes(count: int, batch: int, size: int):
    rows = []
    for i in range(count):
        width, height = 16 + (i * 11) % (size // 2), 16 + (i * 7) % (size // 2)
        x1, y1 = (i * 37) % (size // 2), (i * 53) % (size // 2)
        rows.append([i % batch, x1, y1, x1 + width, y1 + height])
    return rows


def torch_worker(threads: int, iterations: int) -> dict:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    try:
        from torchvision.ops import roi_align
    except ImportError:
        roi_align = reference_roi_align
    backbone = nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(128, 128, 3, padding=1), nn.ReLU(),
    )
    head = nn.Sequential(nn.Flatten(), nn.Linear(128 * 7 * 7, 256), nn.ReLU(), nn.Linear(256, 10))
    images = torch.rand(16, 3, 128, 128) * 2 - 1
    rois = torch.tensor(boxes(64, 16, 128), dtype=torch.float32)
    labels = torch.arange(64) % 10
    baseline = peak_rss_mb()

    def step():
        features = backbone(images)
        pooled = roi_align(features, rois, (7, 7), 1.0 / 8, 2, True)
        loss = F.cross_entropy(head(pooled), labels)
        loss.backward()
        backbone.zero_grad()
        head.zero_grad()

    step()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "impl": "pytorch" if roi_align is not reference_roi_align else "pytorch (roi_align in torch ops)",
        "threads": threads,
        "median_ms": round(times[len(times) // 2], 1),
        "min_ms": round(times[0], 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "baseline_rss_mb": round(baseline, 1),
        "torch": torch.__version__,
    }


def reference_roi_align(features, rois, output_size, spatial_scale, sampling_ratio, aligned):
    """torchvision's roi_align semantics in plain torch ops (used when torchvision is absent)."""
    import torch

    oh, ow = output_size
    offset = 0.5 if aligned else 0.0
    n, c, h, w = features.shape
    batch_index = rois[:, 0].long()
    x1 = rois[:, 1] * spatial_scale - offset
    y1 = rois[:, 2] * spatial_scale - offset
    roi_w = rois[:, 3] * spatial_scale - offset - x1
    roi_h = rois[:, 4] * spatial_scale - offset - y1
    if not aligned:
        roi_w, roi_h = roi_w.clamp(min=1), roi_h.clamp(min=1)
    s = sampling_ratio
    grid = (torch.arange(s, dtype=torch.float32) + 0.5) / s
    ys = y1[:, None, None] + (torch.arange(oh)[None, :, None] + grid[None, None, :]) * (roi_h / oh)[:, None, None]
    xs = x1[:, None, None] + (torch.arange(ow)[None, :, None] + grid[None, None, :]) * (roi_w / ow)[:, None, None]
    ys, xs = ys.reshape(len(rois), -1), xs.reshape(len(rois), -1)  # [K, oh*s], [K, ow*s]
    y = ys[:, :, None].expand(-1, -1, xs.shape[1])
    x = xs[:, None, :].expand(-1, ys.shape[1], -1)
    valid = (y >= -1) & (y <= h) & (x >= -1) & (x <= w)
    y, x = y.clamp(min=0), x.clamp(min=0)
    y0 = y.floor().long().clamp(max=h - 1)
    x0 = x.floor().long().clamp(max=w - 1)
    y1i = (y0 + 1).clamp(max=h - 1)
    x1i = (x0 + 1).clamp(max=w - 1)
    y = torch.where(y0 >= h - 1, y0.float(), y)
    x = torch.where(x0 >= w - 1, x0.float(), x)
    ly, lx = y - y0.float(), x - x0.float()
    hy, hx = 1 - ly, 1 - lx
    fmap = features[batch_index]  # [K, C, H, W]
    flat = fmap.reshape(len(rois), c, h * w)

    def gather(yi, xi):
        index = (yi * w + xi).reshape(len(rois), 1, -1).expand(-1, c, -1)
        return flat.gather(2, index).reshape(len(rois), c, *yi.shape[1:])

    value = (hy * hx)[:, None] * gather(y0, x0) + (hy * lx)[:, None] * gather(y0, x1i) \
        + (ly * hx)[:, None] * gather(y1i, x0) + (ly * lx)[:, None] * gather(y1i, x1i)
    value = value * valid[:, None].float()
    value = value.reshape(len(rois), c, oh, s, ow, s).mean(dim=(3, 5))
    return value


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--timer", default=os.path.join(ROOT, "Benchmarks/.build/release/NeuralNetTimer"),
        help="RegionKit's timer executable")
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(torch_worker(args.worker, args.iterations)))
        return 0
    results = []
    for threads in args.threads:
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS="1")
        ours = json.loads(subprocess.check_output([args.timer, str(threads), str(args.iterations)], env=env))
        theirs = json.loads(subprocess.check_output(
            [sys.executable, __file__, "--worker", str(threads), "--iterations", str(args.iterations)], env=env))
        ratio = ours["median_ms"] / theirs["median_ms"]
        min_ratio = ours["min_ms"] / theirs["min_ms"]
        results.append({"threads": threads, "regionkit": ours, "pytorch": theirs, "ratio": round(ratio, 2),
                        "min_ratio": round(min_ratio, 2), "load_average": os.getloadavg()[0]})
    print("| threads | RegionKit median (min) ms | PyTorch median (min) ms | ratio of medians | ratio of minima "
          "| RegionKit peak RSS MB | PyTorch peak RSS MB | load avg |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['threads']} | {r['regionkit']['median_ms']} ({r['regionkit']['min_ms']}) "
              f"| {r['pytorch']['median_ms']} ({r['pytorch']['min_ms']}) | {r['ratio']} | {r['min_ratio']} | "
              f"{r['regionkit']['peak_rss_mb']} (baseline {r['regionkit']['baseline_rss_mb']}) | "
              f"{r['pytorch']['peak_rss_mb']} (baseline {r['pytorch']['baseline_rss_mb']}) | {r['load_average']:.1f} |")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
