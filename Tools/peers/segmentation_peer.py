#!/usr/bin/env python3
"""Speed and agreement of RegionKit's segmentation against OpenCV and scikit-image, same run.

Decodes every image of a folder (default: ../shared/data/coco-tiny/images) once with OpenCV,
dumps the RGB pixels as raw uint8 files into a temporary folder, times the peers on the
same arrays in this process, then runs the release build of
Benchmarks/SegmentationPeerBenchmark on the raw files. Only segmentation is timed (best of
--repeats runs per image), single thread everywhere, as CPU time of the running thread
(time.thread_time, CLOCK_THREAD_CPUTIME_ID), so other load on a shared machine does not
count; wall time equals it when the machine is idle.

Peers and parameters (ours in Benchmarks/SegmentationPeerBenchmark/main.swift):
  FH    OpenCV cv2.ximgproc.segmentation.createGraphSegmentation(sigma=0.8, k=300, min_size=50)
        .processImage(bgr)  vs  FelzenszwalbSegmentation(threshold: 300, sigma: 0.8, minimumSize: 50)
        (also skimage.segmentation.felzenszwalb(rgb, scale=300, sigma=0.8, min_size=50) for
        timing and for the adjusted Rand index of our label maps against it)
  SLIC  skimage.segmentation.slic(rgb, n_segments=300, compactness=10, sigma=0, max_num_iter=10,
        enforce_connectivity=True, start_label=0, channel_axis=-1)
        vs  SLIC(segments: 300, compactness: 10, sigma: 0, iterations: 10)

Also measures peak RSS of one segmentation of a 3- and a 12-megapixel image (an image of
the set resized with cv2.resize) in fresh processes, ours and the peers'.

Usage: Tools/peers/setup_segmentation.sh && Tools/peers/.venv/bin/python \
         Tools/peers/segmentation_peer.py [--limit N] [--repeats N] [--markdown FILE]
"""
import argparse
import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import skimage  # noqa: E402
from skimage.segmentation import felzenszwalb, slic  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BENCH_PACKAGE = ROOT / "Benchmarks"
BENCH_BINARY = BENCH_PACKAGE / ".build" / "release" / "SegmentationPeerBenchmark"

cv2.setNumThreads(1)


def opencv_fh(bgr):
    segmenter = cv2.ximgproc.segmentation.createGraphSegmentation(sigma=0.8, k=300, min_size=50)
    return segmenter.processImage(bgr)


def skimage_fh(rgb):
    return felzenszwalb(rgb, scale=300, sigma=0.8, min_size=50)


def skimage_slic(rgb):
    return slic(rgb, n_segments=300, compactness=10, sigma=0, max_num_iter=10,
                enforce_connectivity=True, start_label=0, channel_axis=-1)


PEERS = {"opencv_fh": opencv_fh, "skimage_fh": skimage_fh, "skimage_slic": skimage_slic}


def best_time(function, argument, repeats):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.thread_time()
        result = function(argument)
        best = min(best, time.thread_time() - start)
    return best, result


def adjusted_rand_index(a, b):
    """sklearn.metrics.adjusted_rand_score for two integer label arrays."""
    a = np.unique(a.ravel(), return_inverse=True)[1]
    b = np.unique(b.ravel(), return_inverse=True)[1]
    n = a.size
    table = np.bincount(a.astype(np.int64) * (b.max() + 1) + b).astype(np.float64)
    pairs = lambda x: x * (x - 1) / 2  # noqa: E731
    index = pairs(table).sum()
    rows = pairs(np.bincount(a).astype(np.float64)).sum()
    cols = pairs(np.bincount(b).astype(np.float64)).sum()
    expected = rows * cols / pairs(n)
    maximum = (rows + cols) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)


def build_swift():
    subprocess.run(["swift", "build", "-c", "release", "--product", "SegmentationPeerBenchmark"],
                   cwd=BENCH_PACKAGE, check=True, stdout=subprocess.DEVNULL)


def peak_rss_kib():
    """Peak RSS of this process (VmHWM; ru_maxrss would be inherited across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def peak_rss_python(method, path, width, height):
    code = f"""
import os, time
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"): os.environ[v] = "1"
import numpy as np, sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
import segmentation_peer as peer
rgb = np.fromfile({path!r}, dtype=np.uint8).reshape({height}, {width}, 3)
bgr = np.ascontiguousarray(rgb[:, :, ::-1])
before = peer.peak_rss_kib()
start = time.thread_time()
peer.PEERS[{method!r}](bgr if {method!r} == "opencv_fh" else rgb)
seconds = time.thread_time() - start
print(before, peer.peak_rss_kib(), seconds)
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    before, peak, seconds = out.split()
    return int(before), int(peak), float(seconds)


def peak_rss_swift(method, path, width, height):
    out = subprocess.run([str(BENCH_BINARY), "rss", method, path, str(width), str(height)],
                         check=True, capture_output=True, text=True).stdout
    fields = dict(item.split("=") for item in out.split())
    return int(fields["before_kib"]), int(fields["peak_kib"]), float(fields["seconds"])


def sorted_times_svg(series, count):
    """A line plot of each method's per-image seconds in increasing order (log scale)."""
    colours = ["#1f77b4", "#17becf", "#d62728", "#ff7f0e", "#2ca02c", "#9467bd"]
    width, height, left, right, top, bottom = 760, 420, 70, 270, 40, 360
    values = [v for _, times in series for v in times.values() if v > 0]
    low, high = np.log10(min(values)), np.log10(max(values))
    def x(i):
        return left + (width - right - left) * i / max(count - 1, 1)
    def y(v):
        return bottom - (bottom - top) * (np.log10(v) - low) / max(high - low, 1e-9)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20}" '
             f'font-family="sans-serif" font-size="12">', f'<rect width="{width}" height="{height + 20}" fill="white"/>',
             f'<text x="{(left + width - right) / 2}" y="20" text-anchor="middle" font-size="14">'
             f'Segmentation CPU seconds per image, one thread, sorted ({count} images)</text>',
             f'<line x1="{left}" y1="{bottom}" x2="{width - right}" y2="{bottom}" stroke="black"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="black"/>',
             f'<text x="{(left + width - right) / 2}" y="{bottom + 34}" text-anchor="middle">'
             f'images, fastest to slowest for each method</text>']
    for exponent in range(int(np.floor(low)), int(np.ceil(high)) + 1):
        for mantissa in (1, 2, 5):
            v = mantissa * 10.0 ** exponent
            if low <= np.log10(v) <= high:
                parts.append(f'<line x1="{left - 4}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" '
                             f'stroke="#ddd"/><text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g} s</text>')
    for index, (label, times) in enumerate(series):
        ordered = sorted(times.values())
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(ordered))
        colour = colours[index % len(colours)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        parts.append(f'<line x1="{width - right + 12}" y1="{top + 18 * index}" x2="{width - right + 32}" '
                     f'y2="{top + 18 * index}" stroke="{colour}" stroke-width="3"/>'
                     f'<text x="{width - right + 38}" y="{top + 18 * index + 4}">{label}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=Path, default=ROOT.parent / "shared" / "data" / "coco-tiny" / "images")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N images (0: all)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument("--skip-rss", action="store_true")
    parser.add_argument("--svg", type=Path,
                        help="also plot each method's per-image seconds, sorted, into this SVG file")
    parser.add_argument("--fh-connectivity", type=int, choices=(8, 4), default=8,
                        help="4: also time RegionKit's FH with connectivity .four (OpenCV's graph) "
                             "and add it as an extra row; the 8-connected default is always timed "
                             "(default: 8, no extra row)")
    args = parser.parse_args()

    files = sorted(p for p in args.images.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if args.limit:
        files = files[: args.limit]
    print(f"{len(files)} images from {args.images}; cv2 {cv2.__version__}, skimage {skimage.__version__}, "
          f"numpy {np.__version__}", flush=True)
    build_swift()

    with tempfile.TemporaryDirectory(prefix="regionkit-seg-bench-") as tmp:
        tmp = Path(tmp)
        (tmp / "labels").mkdir()
        images, lines = {}, []
        for file in files:
            bgr = cv2.imread(str(file), cv2.IMREAD_COLOR)
            rgb = np.ascontiguousarray(bgr[:, :, ::-1])
            raw = tmp / f"{file.stem}.rgb"
            rgb.tofile(raw)
            images[file.stem] = (rgb, bgr)
            lines.append(f"{raw}\t{rgb.shape[1]}\t{rgb.shape[0]}")
        (tmp / "list.tsv").write_text("\n".join(lines) + "\n")

        peer_times = {name: {} for name in PEERS}
        peer_counts = {name: {} for name in PEERS}
        skimage_fh_maps = {}
        for index, (stem, (rgb, bgr)) in enumerate(images.items()):
            for name, function in PEERS.items():
                # skimage's FH is the slowest peer and mainly the reference for the ARI: one run.
                repeats = 1 if name == "skimage_fh" else args.repeats
                seconds, labels = best_time(function, bgr if name == "opencv_fh" else rgb, repeats)
                peer_times[name][stem] = seconds
                peer_counts[name][stem] = int(np.unique(labels).size)
                if name == "skimage_fh":
                    skimage_fh_maps[stem] = labels
            # Interleaved: RegionKit on this image right after the peers, so that changing load
            # on the shared machine hits both sides alike.
            one = tmp / f"{stem}.tsv"
            one.write_text(lines[index] + "\n")
            subprocess.run([str(BENCH_BINARY), "time", str(one), str(tmp / f"{stem}.ours.tsv"),
                            "--repeats", str(args.repeats), "--labels", str(tmp / "labels")], check=True)
            if args.fh_connectivity == 4:
                subprocess.run([str(BENCH_BINARY), "time", str(one), str(tmp / f"{stem}.ours4.tsv"),
                                "--repeats", str(args.repeats), "--methods", "fh",
                                "--fh-connectivity", "4"], check=True)
        ours_times, ours_counts = {"fh": {}, "slic": {}, "fh4": {}}, {"fh": {}, "slic": {}, "fh4": {}}
        for stem in images:
            for suffix, rename in (("ours", None), ("ours4", "fh4")):
                path = tmp / f"{stem}.{suffix}.tsv"
                if not path.exists():
                    continue
                for line in path.read_text().splitlines():
                    stem, method, seconds, count = line.split("\t")
                    ours_times[rename or method][stem] = float(seconds)
                    ours_counts[rename or method][stem] = int(count)
        aris = []
        for stem, (rgb, _) in images.items():
            ours = np.fromfile(tmp / "labels" / f"{stem}.fh.i32", dtype="<i4").reshape(rgb.shape[:2])
            aris.append(adjusted_rand_index(ours, skimage_fh_maps[stem]))

        def total(table):
            return sum(table.values())

        def median_ratio(peer, ours):
            return float(np.median([peer[s] / ours[s] for s in ours]))

        pixels = sum(rgb.shape[0] * rgb.shape[1] for rgb, _ in images.values())
        rows = [
            ("FH (k=300, sigma=0.8, min 50)", "OpenCV createGraphSegmentation", "opencv_fh", "fh"),
            ("FH (k=300, sigma=0.8, min 50)", "scikit-image felzenszwalb", "skimage_fh", "fh"),
            ("SLIC (300 segments, m=10, 10 iterations)", "scikit-image slic", "skimage_slic", "slic"),
        ]
        if args.fh_connectivity == 4:
            rows.append(("extra, not the target: FH 4-connected (`connectivity: .four`)",
                         "OpenCV createGraphSegmentation", "opencv_fh", "fh4"))
        out = []
        out.append(f"Images: {len(files)} ({pixels / len(files) / 1e3:.0f} kilopixels on average), best of "
                   f"{args.repeats} runs per image (1 for scikit-image felzenszwalb; thread CPU time), single thread; cv2 {cv2.__version__}, "
                   f"scikit-image {skimage.__version__}, numpy {np.__version__}.\n")
        out.append("| algorithm | peer | peer total s | RegionKit total s | ratio (total) | median per-image ratio |")
        out.append("|---|---|---|---|---|---|")
        summary = {}
        for label, peer_label, peer, method in rows:
            ratio = total(peer_times[peer]) / total(ours_times[method])
            summary[peer if method != "fh4" else "opencv_fh_four"] = ratio
            out.append(f"| {label} | {peer_label} | {total(peer_times[peer]):.3f} | "
                       f"{total(ours_times[method]):.3f} | **{ratio:.1f}x** | "
                       f"{median_ratio(peer_times[peer], ours_times[method]):.1f}x |")
        out.append("")
        ours_fh = np.array([ours_counts["fh"][s] for s in images])
        sk_fh = np.array([peer_counts["skimage_fh"][s] for s in images])
        cv_fh = np.array([peer_counts["opencv_fh"][s] for s in images])
        ours_slic = np.array([ours_counts["slic"][s] for s in images])
        sk_slic = np.array([peer_counts["skimage_slic"][s] for s in images])
        within = np.abs(ours_fh - sk_fh) <= np.maximum(2, 0.3 * sk_fh)
        out.append("| agreement | value |")
        out.append("|---|---|")
        out.append(f"| FH adjusted Rand index vs scikit-image (mean / min over images) | "
                   f"{np.mean(aris):.4f} / {np.min(aris):.4f} |")
        out.append(f"| FH segments per image: RegionKit / scikit-image / OpenCV (mean) | "
                   f"{ours_fh.mean():.1f} / {sk_fh.mean():.1f} / {cv_fh.mean():.1f} |")
        out.append(f"| FH images with segment count within max(2, 30%) of scikit-image | "
                   f"{int(within.sum())} of {len(files)} |")
        if args.fh_connectivity == 4:
            ours_fh4 = np.array([ours_counts["fh4"][s] for s in images])
            out.append(f"| FH 4-connected segments per image: RegionKit / OpenCV (mean) | "
                       f"{ours_fh4.mean():.1f} / {cv_fh.mean():.1f} |")
        out.append(f"| SLIC segments per image: RegionKit / scikit-image (mean) | "
                   f"{ours_slic.mean():.1f} / {sk_slic.mean():.1f} |")
        out.append("")

        if not args.skip_rss:
            first_rgb, _ = next(iter(images.values()))
            out.append("Peak resident memory (VmHWM) of one segmentation in a fresh process (MiB; "
                       "\"input\" is the peak before segmenting, with the image loaded; times are "
                       "thread CPU seconds of that one run):\n")
            out.append("| image | method | RegionKit input → peak | RegionKit bytes/pixel | peer | peer input → peak |"
                       " RegionKit s | peer s |")
            out.append("|---|---|---|---|---|---|---|---|")
            for width, height in ((2000, 1500), (4000, 3000)):
                big = cv2.resize(first_rgb, (width, height), interpolation=cv2.INTER_LINEAR)
                path = str(tmp / f"big{width}.rgb")
                big.tofile(path)
                for method, peer in (("fh", "opencv_fh"), ("slic", "skimage_slic")):
                    before, peak, seconds = peak_rss_swift(method, path, width, height)
                    p_before, p_peak, p_seconds = peak_rss_python(peer, path, width, height)
                    per_pixel = (peak - before) * 1024 / (width * height)
                    out.append(f"| {width}x{height} ({width * height / 1e6:.0f} MP) | {method} | "
                               f"{before / 1024:.0f} → {peak / 1024:.0f} | {per_pixel:.0f} | {peer} | "
                               f"{p_before / 1024:.0f} → {p_peak / 1024:.0f} | {seconds:.2f} | {p_seconds:.2f} |")
            out.append("")
        if args.svg:
            series = [("RegionKit FH", ours_times["fh"]), ("OpenCV FH", peer_times["opencv_fh"]),
                      ("scikit-image FH", peer_times["skimage_fh"]),
                      ("RegionKit SLIC", ours_times["slic"]), ("scikit-image SLIC", peer_times["skimage_slic"])]
            if args.fh_connectivity == 4:
                series.insert(1, ("RegionKit FH 4-connected (extra)", ours_times["fh4"]))
            args.svg.write_text(sorted_times_svg(series, len(files)))
        text = "\n".join(out)
        print(text)
        print("SUMMARY " + json.dumps(summary))
        if args.markdown:
            args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
