#!/usr/bin/env python3
"""OpenCV ximgproc selective search on crops and resizes of photos: the reference the
opencv-* presets are checked against, and the agreement study of Docs/benchmarks.md.

Crops are made from the photos with integer arithmetic only (a rectangle, then optionally a
nearest-neighbour resize or a 2x2 box shrink), so RegionKit's test rebuilds the same pixels
from the recipe. Each image gets OpenCV's boxes for the single, fast and quality strategies
(one thread), sorted, since OpenCV's order comes from libc rand().

  reference   writes Fixtures/goldens/selective_search_opencv.json from Fixtures/dataset/images
              (the photos that ship with the package): recipe, pixel checksum and boxes of
              every crop; no pixels.
  study       the same on ../shared/data (coco-tiny, raccoon): per photo the whole photo and
              crops; the boxes (study.json) and the crop PNGs go to --out, never committed.
  compare     reads the boxes of a reference or study file and RegionKit's proposals for the
              same crops (`regionkit propose --mode opencv-M` JSON Lines, one per mode) and
              prints the agreement table: per image the fraction of OpenCV's boxes that some
              RegionKit box matches at IoU >= 0.7 and >= 0.9, and the count ratio.

Usage (Tools/peers/setup_opencv.sh makes the venv):
  Tools/peers/.venv-opencv/bin/python Tools/goldens/selective_search_reference.py reference
  Tools/peers/.venv-opencv/bin/python Tools/goldens/selective_search_reference.py study \\
      --out out/ss-study
  Tools/peers/.venv-opencv/bin/python Tools/goldens/selective_search_reference.py compare \\
      --reference Fixtures/goldens/selective_search_opencv.json --regionkit .build/release/regionkit
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

cv2.setNumThreads(1)
ROOT = Path(__file__).resolve().parents[2]
MODES = ("single", "fast", "quality")
SWITCH = {
    "single": "switchToSingleStrategy",
    "fast": "switchToSelectiveSearchFast",
    "quality": "switchToSelectiveSearchQuality",
}


def fnv1a64(data: bytes) -> str:
    """FNV-1a 64 of the crop's RGB bytes, as 16 hex digits (RegionKit's FNV1a64)."""
    h = 0xCBF29CE484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def make_crop(rgb, recipe):
    """The crop of `recipe` from an RGB uint8 array: rectangle, then the resize, if any."""
    x, y, w, h = recipe["rect"]
    crop = rgb[y:y + h, x:x + w]
    resize = recipe.get("resize")
    if resize is None:
        return np.ascontiguousarray(crop)
    if resize["method"] == "nearest":
        # Output pixel (i, j) reads source row (2i + 1) h // (2 H), column (2j + 1) w // (2 W).
        out_w, out_h = resize["size"]
        rows = (2 * np.arange(out_h) + 1) * h // (2 * out_h)
        cols = (2 * np.arange(out_w) + 1) * w // (2 * out_w)
        return np.ascontiguousarray(crop[rows][:, cols])
    if resize["method"] == "box2":
        # Each output pixel is the mean of a 2x2 block, rounded half up: (a + b + c + d + 2) // 4.
        c = crop[: h // 2 * 2, : w // 2 * 2].astype(np.int32)
        total = c[0::2, 0::2] + c[0::2, 1::2] + c[1::2, 0::2] + c[1::2, 1::2]
        return np.ascontiguousarray(((total + 2) // 4).astype(np.uint8))
    raise ValueError(f"unknown resize {resize}")


def recipes_for(name, width, height, count, rng):
    """`count` varied crop recipes for a width x height photo: plain crops from 48 to 224
    pixels a side, nearest-neighbour resizes of larger regions (down and up) and 2x2 shrinks."""
    recipes = []
    kinds = ["crop", "crop", "nearest", "crop", "box2", "crop", "nearest", "crop"]
    for index in range(count):
        kind = kinds[index % len(kinds)]
        if kind == "crop":
            w = int(rng.integers(48, min(224, width) + 1))
            h = int(rng.integers(48, min(192, height) + 1))
        else:
            w = int(rng.integers(96, min(400, width) + 1))
            h = int(rng.integers(80, min(320, height) + 1))
        x = int(rng.integers(0, width - w + 1))
        y = int(rng.integers(0, height - h + 1))
        recipe = {"source": name, "rect": [x, y, w, h]}
        if kind == "nearest":
            scale = float(rng.choice([0.4, 0.55, 0.7, 1.3]))
            out_w = max(32, min(224, int(round(w * scale))))
            out_h = max(32, min(192, int(round(h * scale))))
            recipe["resize"] = {"method": "nearest", "size": [out_w, out_h]}
        elif kind == "box2":
            recipe["resize"] = {"method": "box2"}
        recipes.append(recipe)
    return recipes


def opencv_boxes(rgb, mode, seconds=None):
    """OpenCV's proposals as sorted [x1, y1, x2, y2] integer lists; with `seconds` (a dict),
    the CPU seconds of switch and process go to seconds[mode]."""
    start = time.thread_time()
    ss = cv2.ximgproc.segmentation.createSelectiveSearchSegmentation()
    ss.setBaseImage(np.ascontiguousarray(rgb[:, :, ::-1]))
    getattr(ss, SWITCH[mode])()
    rects = ss.process()
    if seconds is not None:
        seconds[mode] = round(time.thread_time() - start, 4)
    return sorted([int(x), int(y), int(x + w), int(y + h)] for x, y, w, h in rects)


def crops_with_boxes(photos, names, per_photo, seed, modes, crops_dir=None, whole=False):
    """The crops of `names` (files in `photos`) with OpenCV's boxes for each mode; with
    `whole`, each photo's first image is the photo itself."""
    rng = np.random.default_rng(seed)
    images = []
    for name in names:
        path = photos / name
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise SystemExit(f"{path}: cannot read")
        rgb = bgr[:, :, ::-1]
        height, width = rgb.shape[:2]
        recipes = recipes_for(name, width, height, per_photo - int(whole), rng)
        if whole:
            recipes.insert(0, {"source": name, "rect": [0, 0, width, height]})
        for index, recipe in enumerate(recipes):
            crop = make_crop(rgb, recipe)
            entry = dict(recipe)
            entry["name"] = f"{Path(name).stem}-{index:02d}"
            entry["width"], entry["height"] = int(crop.shape[1]), int(crop.shape[0])
            entry["fnv1a64"] = fnv1a64(crop.tobytes())
            seconds = {} if crops_dir is not None else None
            entry["boxes"] = {mode: opencv_boxes(crop, mode, seconds) for mode in modes}
            if seconds is not None:
                entry["opencv_seconds"] = seconds
            if crops_dir is not None:
                crops_dir.mkdir(parents=True, exist_ok=True)
                cv2.imwrite(str(crops_dir / (entry["name"] + ".png")), crop[:, :, ::-1])
            images.append(entry)
            counts = ", ".join(f"{m} {len(entry['boxes'][m])}" for m in modes)
            print(f"{entry['name']}: {crop.shape[1]}x{crop.shape[0]}: {counts}", file=sys.stderr)
    return images


def write_reference(images, out_path, label, seed):
    document = {
        "file": out_path.name,
        "generator": "Tools/goldens/selective_search_reference.py",
        "source": (
            f"opencv-contrib-python-headless {cv2.__version__}: "
            "cv2.ximgproc.segmentation.createSelectiveSearchSegmentation(); "
            "setBaseImage(bgr); switchToSingleStrategy() | switchToSelectiveSearchFast() | "
            "switchToSelectiveSearchQuality() with their default parameters; process(); "
            "cv2.setNumThreads(1)"
        ),
        "photos": label,
        "seed": seed,
        "convention": (
            "Each image is a crop of a photo: rect [x, y, w, h] in the photo's pixels, then "
            "optionally resize {method: nearest, size: [W, H]} (output pixel (i, j) reads crop "
            "row (2i + 1) h // (2 H) and column (2j + 1) w // (2 W)) or {method: box2} (2x2 "
            "block means over the even part, (a + b + c + d + 2) // 4). fnv1a64 is FNV-1a 64 "
            "of the crop's interleaved RGB bytes. boxes[mode] are OpenCV's proposals as pixel-"
            "edge [x1, y1, x2, y2] = [x, y, x + w, y + h] of its cv::Rect, sorted "
            "lexicographically (OpenCV's order comes from unseeded rand() and is not kept); "
            "duplicates are already removed by OpenCV."
        ),
        "images": images,
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out_path} ({len(images)} images)", file=sys.stderr)


def iou_matrix(a, b):
    a = np.asarray(a, np.float64).reshape(-1, 4)
    b = np.asarray(b, np.float64).reshape(-1, 4)
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def agreement(reference, ours):
    """(fraction of reference boxes matched at IoU 0.7, at 0.9, exact, count ratio)."""
    if len(reference) == 0:
        return 1.0, 1.0, 1.0, (len(ours) + 1) / 1
    if len(ours) == 0:
        return 0.0, 0.0, 0.0, 0.0
    best = iou_matrix(reference, ours).max(axis=1)
    return (
        float((best >= 0.7).mean()),
        float((best >= 0.9).mean()),
        float((best >= 1.0 - 1e-9).mean()),
        len(ours) / len(reference),
    )


def run_compare(reference_path, regionkit, modes, crops_dir, jobs, keep=None):
    document = json.load(open(reference_path))
    images = document["images"]
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        if crops_dir is None:
            photos = ROOT / "Fixtures" / "dataset" / "images"
            crops_dir = scratch / "crops"
            crops_dir.mkdir()
            cache = {}
            for entry in images:
                if entry["source"] not in cache:
                    bgr = cv2.imread(str(photos / entry["source"]), cv2.IMREAD_COLOR)
                    cache[entry["source"]] = bgr[:, :, ::-1]
                crop = make_crop(cache[entry["source"]], entry)
                if fnv1a64(crop.tobytes()) != entry["fnv1a64"]:
                    raise SystemExit(f"{entry['name']}: the crop's pixels differ from the reference")
                cv2.imwrite(str(crops_dir / (entry["name"] + ".png")), crop[:, :, ::-1])
        listing = scratch / "crops.txt"
        listing.write_text("".join(f"{crops_dir / (e['name'] + '.png')}\n" for e in images))
        rows, times = {}, {}
        for mode in modes:
            out = scratch / f"{mode}.jsonl"
            command = [
                str(regionkit), "propose", str(listing), "--method", "selective-search",
                "--mode", f"opencv-{mode}", "--top", "100000000", "-o", str(out), "--no-progress",
            ]
            if jobs:
                command += ["--jobs", str(jobs)]
            subprocess.run(command, check=True)
            ours, seconds = {}, {}
            for line in open(out):
                record = json.loads(line)
                ours[Path(record["image"]).stem] = record["boxes"]
                seconds[Path(record["image"]).stem] = record["seconds"]
            times[mode] = seconds
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / out.name).write_bytes(out.read_bytes())
            rows[mode] = [(e["name"], len(e["boxes"][mode]), len(ours[e["name"]]),
                           *agreement(e["boxes"][mode], ours[e["name"]])) for e in images]
    print_table(rows, document)
    if all("opencv_seconds" in e for e in images):
        print("\n| preset | OpenCV s/image (CPU, 1 thread) | RegionKit s/image (wall, "
              f"{jobs or 'default'} jobs) | ratio |")
        print("|---|---|---|---|")
        for mode in modes:
            theirs = np.mean([e["opencv_seconds"][mode] for e in images])
            ours = np.mean(list(times[mode].values()))
            print(f"| opencv-{mode} | {theirs:.3f} | {ours:.3f} | {theirs / ours:.1f}x |")


def print_table(rows, document):
    print(f"Reference: {document['file']} ({document['source'].split(':')[0]}), "
          f"{len(document['images'])} images.\n")
    print("| preset | images | OpenCV boxes | RegionKit boxes | matched at IoU 0.7: min / mean | "
          "at IoU 0.9: min / mean | identical box sets | count ratio min-max | "
          "count within 10 % |")
    print("|---|---|---|---|---|---|---|---|---|")
    for mode, entries in rows.items():
        r07 = [e[3] for e in entries]
        r09 = [e[4] for e in entries]
        identical = sum(e[1] == e[2] and e[5] == 1.0 for e in entries)
        ratio = [e[6] for e in entries]
        within = sum(abs(r - 1) <= 0.1 for r in ratio)
        print(f"| opencv-{mode} | {len(entries)} | {sum(e[1] for e in entries)} | "
              f"{sum(e[2] for e in entries)} | {min(r07):.4f} / {np.mean(r07):.4f} | "
              f"{min(r09):.4f} / {np.mean(r09):.4f} | {identical} | "
              f"{min(ratio):.4f}-{max(ratio):.4f} | {len(entries) if within == len(entries) else within} |")
    print()
    for mode, entries in rows.items():
        worst = sorted(entries, key=lambda e: e[3])[:5]
        print(f"opencv-{mode} worst at IoU 0.7: " + "; ".join(
            f"{e[0]} {e[3]:.3f} ({e[2]} vs {e[1]})" for e in worst))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ref = sub.add_parser("reference", help="goldens from the Fixtures photos")
    ref.add_argument("--per-photo", type=int, default=11)
    ref.add_argument("--seed", type=int, default=26)
    ref.add_argument("--out", type=Path,
                     default=ROOT / "Fixtures" / "goldens" / "selective_search_opencv.json")
    study = sub.add_parser("study", help="crops of ../shared/data, boxes and PNGs to --out")
    study.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    study.add_argument("--per-photo", type=int, default=3, help="the whole photo, then crops")
    study.add_argument("--photos", type=int, default=12, help="photos per dataset")
    study.add_argument("--seed", type=int, default=11)
    study.add_argument("--out", type=Path, required=True)
    cmp_ = sub.add_parser("compare", help="agreement table of regionkit against a reference")
    cmp_.add_argument("--reference", type=Path,
                      default=ROOT / "Fixtures" / "goldens" / "selective_search_opencv.json")
    cmp_.add_argument("--crops", type=Path, default=None,
                      help="folder of the crop PNGs (study); default: rebuild from Fixtures")
    cmp_.add_argument("--regionkit", type=Path, default=ROOT / ".build" / "release" / "regionkit")
    cmp_.add_argument("--modes", default=",".join(MODES))
    cmp_.add_argument("--jobs", type=int, default=None)
    cmp_.add_argument("--keep", type=Path, default=None, help="keep RegionKit's JSON Lines here")
    args = parser.parse_args()
    if args.command == "reference":
        photos = ROOT / "Fixtures" / "dataset" / "images"
        names = sorted(p.name for p in photos.iterdir() if p.suffix in (".png", ".jpg"))
        images = crops_with_boxes(photos, names, args.per_photo, args.seed, MODES)
        write_reference(images, args.out, "Fixtures/dataset/images", args.seed)
    elif args.command == "study":
        rng = np.random.default_rng(args.seed)
        images = []
        for dataset in ("coco-tiny", "raccoon"):
            folder = args.data / dataset / "images"
            names = sorted(p.name for p in folder.iterdir())
            chosen = sorted(rng.choice(len(names), size=args.photos, replace=False))
            images += crops_with_boxes(folder, [names[i] for i in chosen], args.per_photo,
                                       int(rng.integers(1 << 30)), MODES, args.out / "crops",
                                       whole=True)
        write_reference(images, args.out / "study.json",
                        "../shared/data/coco-tiny/images, ../shared/data/raccoon/images", args.seed)
    else:
        run_compare(args.reference, args.regionkit, args.modes.split(","), args.crops, args.jobs,
                    args.keep)


if __name__ == "__main__":
    main()
