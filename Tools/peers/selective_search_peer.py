#!/usr/bin/env python3
"""RegionKit's selective search against OpenCV ximgproc's, side by side in one run.

Decodes the images of a COCO dataset (default ../shared/data/coco-tiny) once with OpenCV,
dumps their RGB pixels as raw uint8 files, runs OpenCV's selective search on them in this
process (single thread, CPU time of this thread), writes its proposals as JSON Lines in
RegionKit's schema (x, y, w, h -> x1, y1, x2, y2; OpenCV's order, score 1 / rank), runs
Benchmarks' release SelectiveSearchTimer on the same raw files (1 and 2 threads), and scores
every file with RegionKit's Evaluation module (SelectiveSearchTimer evaluate): recall at IoU
0.5 and 0.7, AR (IoU 0.5:0.95) and MABO at N = 100, 300, 1000, 2000 and all.

OpenCV calls (opencv-contrib-python-headless, cv2.ximgproc.segmentation):
  ss = createSelectiveSearchSegmentation(); ss.setBaseImage(bgr)
  single:  ss.switchToSingleStrategy()            (k = 200, sigma = 0.8)
  fast:    ss.switchToSelectiveSearchFast()       (base k 150, step 150, sigma 0.8)
  quality: ss.switchToSelectiveSearchQuality()    (base k 150, step 150, sigma 0.8)
  rects = ss.process()
Ours: SelectiveSearch(mode: M) for the paper's preset M and for opencv-M (OpenCV's
parameters), seed 0, no cap.

--scaling also times OpenCV's and our fast mode on one photo resized (cv2.INTER_AREA) to
long side 256, 512, 1024, 2048 (and 4096 for ours only, unless --opencv-max-side says
otherwise), each in a fresh process with its peak RSS; --scaling-repeats N keeps the fastest
of N runs of ours per size.

Usage: Tools/peers/setup_opencv.sh && Tools/peers/.venv-opencv/bin/python \\
         Tools/peers/selective_search_peer.py --limit single=160,fast=40,quality=8 \\
         --out out/ss-bench [--scaling]
"""
import argparse
import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import ctypes  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BENCH_PACKAGE = ROOT / "Benchmarks"
TIMER = BENCH_PACKAGE / ".build" / "release" / "SelectiveSearchTimer"
SWITCH = {
    "single": "switchToSingleStrategy",
    "fast": "switchToSelectiveSearchFast",
    "quality": "switchToSelectiveSearchQuality",
}

cv2.setNumThreads(1)


def opencv_rects(bgr, mode):
    ss = cv2.ximgproc.segmentation.createSelectiveSearchSegmentation()
    ss.setBaseImage(bgr)
    getattr(ss, SWITCH[mode])()
    return ss.process()


def dump_images(dataset, out, names):
    """Writes raw RGB files and a list; returns [(name, path, bgr)]."""
    rows, images = [], []
    for name in names:
        bgr = cv2.imread(str(dataset / "images" / name), cv2.IMREAD_COLOR)
        height, width = bgr.shape[:2]
        path = out / "raw" / (name + ".rgb")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bgr[:, :, ::-1].tobytes())
        rows.append(f"{path}\t{width}\t{height}\t{name}")
        images.append((name, bgr))
    return rows, images


def run_opencv(images, mode, out_file):
    seconds, count = 0.0, 0
    with open(out_file, "w") as f:
        for name, bgr in images:
            start = time.thread_time()
            rects = opencv_rects(bgr, mode)
            elapsed = time.thread_time() - start
            seconds += elapsed
            count += len(rects)
            height, width = bgr.shape[:2]
            boxes = [[int(x), int(y), int(x + w), int(y + h)] for x, y, w, h in rects]
            scores = [1.0 / (i + 1) for i in range(len(boxes))]
            f.write(json.dumps({"image": name, "width": width, "height": height, "seconds": elapsed,
                                "boxes": boxes, "scores": scores}) + "\n")
    n = max(len(images), 1)
    return {"side": "opencv", "mode": mode, "threads": 1, "images": len(images),
            "seconds_per_image": seconds / n, "proposals_per_image": count / n}


def timer(*arguments):
    result = subprocess.run([str(TIMER), *map(str, arguments)], check=True, capture_output=True, text=True)
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


SIDES = (256, 512, 1024, 2048, 4096)


def scaling_image(dataset, out, names, side):
    """The first photo resized to long side `side`, as a raw RGB file; returns (path, size)."""
    bgr = cv2.imread(str(dataset / "images" / names[0]), cv2.IMREAD_COLOR)
    height, width = bgr.shape[:2]
    scale = side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = cv2.resize(bgr, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    path = out / f"scaling-{side}.rgb"
    path.write_bytes(resized[:, :, ::-1].tobytes())
    return path, size


def opencv_probe(path, size):
    probe = subprocess.run(
        [sys.executable, __file__, "--opencv-rss", str(path), str(size[0]), str(size[1])],
        check=True, capture_output=True, text=True)
    opencv = json.loads(probe.stdout.splitlines()[-1])
    return {"opencv_seconds": opencv["seconds"], "opencv_peak_rss_kib": opencv["peak_rss_kib"],
            "opencv_proposals": opencv["proposals"]}


def scaling_opencv(dataset, out, names, opencv_max_side):
    rows = []
    for side in SIDES:
        if side > opencv_max_side:
            continue
        path, size = scaling_image(dataset, out, names, side)
        row = {"long_side": side, "width": size[0], "height": size[1], **opencv_probe(path, size)}
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def scaling(dataset, out, names, opencv_max_side, previous, repeats=1):
    """Our fast mode at each size, the fastest of `repeats` fresh processes (all runs' CPU
    seconds kept in `ours_seconds_runs`: single runs on a shared VM scatter by ±20 %)."""
    rows = []
    for side in SIDES:
        path, size = scaling_image(dataset, out, names, side)
        runs = [timer("rss", "fast", path, size[0], size[1])[0] for _ in range(max(1, repeats))]
        ours = min(runs, key=lambda run: run["seconds"])
        row = {"long_side": side, "width": size[0], "height": size[1], "ours_seconds": ours["seconds"],
               "ours_seconds_runs": [run["seconds"] for run in runs],
               "ours_peak_rss_kib": ours["peak_rss_kib"], "ours_proposals": ours["proposals"]}
        if side <= opencv_max_side:
            row.update(opencv_probe(path, size))
        else:
            for old in previous:
                if old["long_side"] == side and "opencv_seconds" in old:
                    row.update({k: v for k, v in old.items() if k.startswith("opencv_")})
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def opencv_rss(path, width, height):
    import numpy as np
    rgb = np.fromfile(path, dtype=np.uint8).reshape(height, width, 3)
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    start = time.thread_time()
    rects = opencv_rects(bgr, "fast")
    seconds = time.thread_time() - start
    print(json.dumps({"seconds": seconds, "proposals": len(rects),
                      "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def svg_plot(path, title, xlabel, ylabel, series, logx=True, logy=False):
    """A small self-contained SVG line plot: series = [(label, [(x, y), ...]), ...]."""
    import math
    width, height, left, right, top, bottom = 640, 400, 70, 170, 40, 50
    xs = [x for _, points in series for x, _ in points]
    ys = [y for _, points in series for _, y in points]
    fx = (lambda v: math.log10(v)) if logx else (lambda v: v)
    fy = (lambda v: math.log10(v)) if logy else (lambda v: v)
    x0, x1 = fx(min(xs)), fx(max(xs))
    y0, y1 = (fy(min(ys)), fy(max(ys))) if logy else (0.0, max(ys) * 1.05)
    if x1 == x0:
        x1 = x0 + 1
    if y1 == y0:
        y1 = y0 + 1

    def px(v):
        return left + (fx(v) - x0) / (x1 - x0) * (width - left - right)

    def py(v):
        return height - bottom - (fy(v) - y0) / (y1 - y0) * (height - top - bottom)

    colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="black"/>',
           f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">{xlabel}</text>',
           f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 {(top + height - bottom) / 2})">{ylabel}</text>']
    for x in sorted(set(xs)):
        out.append(f'<text x="{px(x):.1f}" y="{height - bottom + 16}" text-anchor="middle">{x:g}</text>')
    ticks = sorted(set(ys)) if logy else [y0 + (y1 - y0) * i / 5 for i in range(6)]
    for y in ticks:
        value = y if logy else y
        out.append(f'<text x="{left - 6}" y="{py(value) + 4:.1f}" text-anchor="end">{value:.3g}</text>')
    for index, (label, points) in enumerate(series):
        colour = colours[index % len(colours)]
        dash = ' stroke-dasharray="6 4"' if label.startswith("OpenCV") else ""
        path_points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{path_points}"/>')
        for x, y in points:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        out.append(f'<text x="{width - right + 10}" y="{top + 16 * index + 10}" fill="{colour}">{label}</text>')
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")


def markdown(results):
    """The Docs/benchmarks.md tables from results.json: recall, speed, targets, scaling."""
    lines = []
    keys = ["100", "300", "1000", "2000", "all"]

    def label(row):
        name = Path(row["file"]).stem
        return ("OpenCV " + row["mode"]) if name.startswith("opencv-") else \
            ("RegionKit " + name.replace("regionkit-", "").replace("-t1", ""))

    for mode in ("single", "fast", "quality"):
        rows = [r for r in results["recall"] if r["mode"] == mode]
        if not rows:
            continue
        lines += [f"#### {mode} ({rows[0]['images']} images, {rows[0]['objects']} objects)", "",
                  "| method | proposals/image | " + " | ".join(f"R@0.5 / R@0.7 / AR / MABO @{k}" for k in keys) + " |",
                  "|---|---|" + "---|" * len(keys)]
        for r in rows:
            cells = [f"{r['recall50@' + k]:.3f} / {r['recall70@' + k]:.3f} / {r['ar@' + k]:.3f} / {r['mabo@' + k]:.3f}"
                     for k in keys]
            lines.append(f"| {label(r)} | {r['proposals_per_image']:.0f} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["Against the target (AR at every N at least OpenCV's for the matching mode):", "",
              "| RegionKit preset vs OpenCV mode | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
    for mode in ("single", "fast", "quality"):
        rows = {label(r): r for r in results["recall"] if r["mode"] == mode}
        theirs = rows.get("OpenCV " + mode)
        if not theirs:
            continue
        for preset in (mode, "opencv-" + mode):
            ours = rows.get("RegionKit " + preset)
            if not ours:
                continue
            # AR is a count of (object, threshold) hits over a fixed total, so equal counts
            # are a tie even when the two float sums were added in another order.
            cells = [f"{ours['ar@' + k]:.4f} vs {theirs['ar@' + k]:.4f} "
                     f"{'✓' if ours['ar@' + k] >= theirs['ar@' + k] - 1e-9 else '✗'}"
                     for k in keys]
            lines.append(f"| {preset} vs OpenCV {mode} | " + " | ".join(cells) + " |")
    lines += ["", "| side | mode | threads | images | CPU s/image | wall s/image | proposals/image |",
              "|---|---|---|---|---|---|---|"]
    for r in results["timing"]:
        wall = r.get("seconds_per_image") if r["side"] == "regionkit" else None
        cpu = r.get("cpu_seconds_per_image", r.get("seconds_per_image"))
        lines.append(f"| {r['side']} | {r['mode']} | {r['threads']} | {r['images']} | {cpu:.3f} | "
                     f"{'—' if wall is None else f'{wall:.3f}'} | {r['proposals_per_image']:.0f} |")
    cpu = {(r["side"], r["mode"], r["threads"]): r.get("cpu_seconds_per_image", r.get("seconds_per_image"))
           for r in results["timing"]}
    wall = {(r["side"], r["mode"], r["threads"]): r.get("seconds_per_image") for r in results["timing"]}
    lines += ["", "| mode | RegionKit paper preset | RegionKit opencv- preset | OpenCV | speed-up paper / opencv- preset | "
              "2 threads vs 1 (wall), paper / opencv- preset |", "|---|---|---|---|---|---|"]
    for mode in ("single", "fast", "quality"):
        theirs = cpu.get(("opencv", mode, 1))
        ours, ours_cv = cpu.get(("regionkit", mode, 1)), cpu.get(("regionkit", "opencv-" + mode, 1))
        if not (theirs and ours and ours_cv):
            continue
        scale = [wall.get(("regionkit", m, 1)) / wall.get(("regionkit", m, 2))
                 if wall.get(("regionkit", m, 2)) else float("nan") for m in (mode, "opencv-" + mode)]
        lines.append(f"| {mode} | {ours:.3f} | {ours_cv:.3f} | {theirs:.3f} | {theirs / ours:.1f}x / {theirs / ours_cv:.1f}x | "
                     f"{scale[0]:.2f}x / {scale[1]:.2f}x |")
    if results.get("scaling"):
        lines += ["", "| long side | size | pixels | RegionKit CPU s | RegionKit peak RSS MiB | OpenCV CPU s | "
                  "OpenCV peak RSS MiB | ratio |", "|---|---|---|---|---|---|---|---|"]
        for r in results["scaling"]:
            pixels = r["width"] * r["height"]
            theirs = r.get("opencv_seconds")
            lines.append(
                f"| {r['long_side']} | {r['width']}x{r['height']} | {pixels} | {r['ours_seconds']:.2f} | "
                f"{r['ours_peak_rss_kib'] / 1024:.0f} | " +
                (f"{theirs:.2f} | {r['opencv_peak_rss_kib'] / 1024:.0f} | {theirs / r['ours_seconds']:.1f}x |"
                 if theirs else "— | — | — |"))
    return "\n".join(lines) + "\n"


def report(results, images_dir):
    """Writes the recall-curve and scaling plots from results.json."""
    images_dir = Path(images_dir)
    images_dir.mkdir(parents=True, exist_ok=True)
    counts = [("100", 100), ("300", 300), ("1000", 1000), ("2000", 2000)]
    for mode in sorted({row["mode"] for row in results["recall"]}):
        series = []
        for row in results["recall"]:
            if row["mode"] != mode:
                continue
            name = Path(row["file"]).stem
            label = ("OpenCV " + mode) if name.startswith("opencv-") else ("RegionKit " + name.replace("regionkit-", "").replace("-t1", ""))
            points = [(n, row[f"ar@{key}"]) for key, n in counts]
            points.append((max(row["proposals_per_image"], 2001), row["ar@all"]))
            series.append((label, points))
        svg_plot(images_dir / f"selective-search-ar-{mode}.svg", f"Average recall vs proposals ({mode})",
                 "proposals per image (last point: all)", "AR (IoU 0.5:0.95)", series)
    if results.get("scaling"):
        rows = results["scaling"]
        ours = [(r["width"] * r["height"], r["ours_seconds"]) for r in rows]
        series = [("RegionKit fast", ours)]
        opencv = [(r["width"] * r["height"], r["opencv_seconds"]) for r in rows if "opencv_seconds" in r]
        if opencv:
            series.append(("OpenCV fast", opencv))
        svg_plot(images_dir / "selective-search-scaling.svg", "Time vs pixels, fast mode, 1 thread",
                 "pixels", "seconds", series, logx=True, logy=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=ROOT.parent / "shared" / "data" / "coco-tiny")
    parser.add_argument("--limit", default="single=160,fast=40,quality=8",
                        help="images per mode (the first N in file-name order); a mode left out is skipped")
    parser.add_argument("--out", type=Path, default=Path("out/selective-search-peer"))
    parser.add_argument("--side", choices=["both", "opencv", "regionkit"], default="both",
                        help="run one side only (e.g. OpenCV while the Swift release build runs); "
                             "a regionkit run scores the OpenCV files already in --out")
    parser.add_argument("--scaling", action="store_true")
    parser.add_argument("--scaling-repeats", type=int, default=1,
                        help="with --scaling: our runs per size, the fastest kept (default: 1)")
    parser.add_argument("--srand", type=int,
                        help="seed libc rand() before each OpenCV mode (default: leave it alone, "
                             "so a mode's order depends on the modes run before it)")
    parser.add_argument("--opencv-max-side", type=int, default=2048)
    parser.add_argument("--opencv-rss", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--report", type=Path, help="only write the plots of OUT/results.json into this folder")
    parser.add_argument("--markdown", type=Path, help="only write the tables of OUT/results.json into this file")
    args = parser.parse_args()
    if args.report or args.markdown:
        results = json.loads((args.out / "results.json").read_text())
        if args.report:
            report(results, args.report)
        if args.markdown:
            args.markdown.write_text(markdown(results))
        return
    if args.opencv_rss:
        opencv_rss(args.opencv_rss[0], int(args.opencv_rss[1]), int(args.opencv_rss[2]))
        return
    ours, theirs = args.side in ("both", "regionkit"), args.side in ("both", "opencv")
    if ours and not TIMER.exists():
        sys.exit("build it first: (cd Benchmarks && swift build -c release --product SelectiveSearchTimer)")
    args.out.mkdir(parents=True, exist_ok=True)
    names = sorted(p.name for p in (args.dataset / "images").iterdir())
    limits = {k: int(v) for k, v in (item.split("=") for item in args.limit.split(",") if item)}
    opencv_file = args.out / "results-opencv.json"
    results = {"cv2": cv2.__version__, "timing": [], "recall": [], "scaling": []}
    if not theirs and opencv_file.exists():
        previous = json.loads(opencv_file.read_text())
        results["timing"] += previous["timing"]
        results["scaling"] = previous["scaling"]
    for mode, limit in limits.items():
        rows, images = dump_images(args.dataset, args.out, names[:limit])
        subset = args.out / f"subset-{mode}"
        (subset / "images").mkdir(parents=True, exist_ok=True)
        annotations = json.loads((args.dataset / "annotations.json").read_text())
        keep = set(names[:limit])
        annotations["images"] = [i for i in annotations["images"] if i["file_name"] in keep]
        ids = {i["id"] for i in annotations["images"]}
        annotations["annotations"] = [a for a in annotations["annotations"] if a["image_id"] in ids]
        (subset / "annotations.json").write_text(json.dumps(annotations))
        for name in keep:
            link = subset / "images" / name
            if not link.exists():
                link.symlink_to(args.dataset / "images" / name)
        listing = args.out / f"list-{mode}.tsv"
        listing.write_text("\n".join(rows) + "\n")
        files = []
        if ours:
            for ours_mode in (mode, "opencv-" + mode):
                for threads in (1, 2):
                    out_file = args.out / f"regionkit-{ours_mode}-t{threads}.jsonl"
                    row = timer("propose", listing, ours_mode, threads, out_file)[0]
                    row["subset"] = limit
                    print(json.dumps(row), flush=True)
                    results["timing"].append(row)
                    if threads == 1:
                        files.append(out_file)
        out_file = args.out / f"opencv-{mode}.jsonl"
        if theirs:
            if args.srand is not None:
                # OpenCV ranks with libc rand(); seeding it here makes its order repeatable
                # (this process shares the C library with cv2).
                ctypes.CDLL(None).srand(args.srand)
            row = run_opencv(images, mode, out_file)
            row["subset"] = limit
            print(json.dumps(row), flush=True)
            results["timing"].append(row)
        if out_file.exists():
            files.append(out_file)
        if ours:
            for row in timer("evaluate", subset, *files):
                row["mode"] = mode
                print(json.dumps(row), flush=True)
                results["recall"].append(row)
    if args.scaling:
        if args.side == "opencv":
            results["scaling"] = scaling_opencv(args.dataset, args.out, names, args.opencv_max_side)
        else:
            results["scaling"] = scaling(args.dataset, args.out, names,
                                         args.opencv_max_side if theirs else 0, results["scaling"],
                                         args.scaling_repeats)
    target = opencv_file if args.side == "opencv" else args.out / "results.json"
    target.write_text(json.dumps(results, indent=1))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
