#!/usr/bin/env python3
"""Writes the COCO detection-evaluation golden that Tests/EvaluationTests checks against.

It builds a deterministic synthetic detection problem (ground truth with several categories,
crowd boxes, small/medium/large objects, `area` values different from box areas, images
without objects; detections jittered from the ground truth plus false positives, with seeded
scores and deliberate ties, one image/category with more than 100 detections), runs
pycocotools' COCOeval (iouType "bbox") on it and writes

    <out>/ground_truth.json   COCO instances JSON
    <out>/detections.json     COCO results JSON
    <out>/expected.json       the 12 `stats`, per-category AP and AP50, and the versions used

Default <out> is Fixtures/cocoeval. With --ground-truth FILE it evaluates synthetic
detections against an existing COCO instances file instead (e.g. ../shared/data/coco-tiny):
then only detections.json and expected.json are written to --out, and expected.json names
the ground-truth file.

pycocotools and numpy come from PyPI into Tools/.venv-cocoeval (Tools/setup_cocoeval.sh);
the script re-runs itself with that venv's Python.

    python3 Tools/verify_cocoeval.py
    python3 Tools/verify_cocoeval.py --ground-truth ../shared/data/coco-tiny/annotations.json \
        --out .build/cocoeval-coco-tiny
"""
import argparse
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.path.join(HERE, ".venv-cocoeval")
VENV_PYTHON = os.path.join(VENV, "bin", "python")


def ensure_venv():
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    subprocess.check_call(["bash", os.path.join(HERE, "setup_cocoeval.sh")])
    os.execv(VENV_PYTHON, [VENV_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])


def quarter(value):
    """Rounds to a multiple of 0.25, exact in Float32 and in JSON."""
    return round(value * 4) / 4


def synthetic_ground_truth(rng):
    categories = [
        {"id": 1, "name": "person", "supercategory": "person"},
        {"id": 3, "name": "car", "supercategory": "vehicle"},
        {"id": 7, "name": "train", "supercategory": "vehicle"},
        {"id": 9, "name": "boat", "supercategory": "vehicle"},  # no ground truth at all
    ]
    sizes = [(640, 480), (480, 640), (320, 240), (800, 600)]
    image_ids = [100 + 7 * i for i in range(14)]
    rng.shuffle(image_ids)  # listed out of id order on purpose
    images, annotations = [], []
    for position, image_id in enumerate(image_ids):
        width, height = sizes[position % len(sizes)]
        images.append({"id": image_id, "file_name": "synthetic-%03d.jpg" % image_id,
                       "width": width, "height": height})
        if position == 3:
            continue  # an image without objects
        for _ in range(rng.randint(1, 7)):
            kind = rng.choice(["small", "small", "medium", "medium", "large"])
            side = {"small": (6, 30), "medium": (34, 90), "large": (100, 300)}[kind]
            w = quarter(min(rng.uniform(*side) * rng.uniform(0.7, 1.4), width - 1))
            h = quarter(min(rng.uniform(*side) * rng.uniform(0.7, 1.4), height - 1))
            x = quarter(rng.uniform(0, width - w))
            y = quarter(rng.uniform(0, height - h))
            crowd = 1 if kind == "large" and rng.random() < 0.3 else 0
            annotations.append({
                "id": len(annotations) + 1, "image_id": image_id,
                "category_id": rng.choice([1, 3, 7]), "bbox": [x, y, w, h],
                "area": quarter(w * h * rng.uniform(0.55, 1.0)), "iscrowd": crowd})
    # Objects whose area sits exactly on COCO's range bounds (both ranges include them).
    first = images[0]
    annotations.append({"id": len(annotations) + 1, "image_id": first["id"], "category_id": 3,
                        "bbox": [10, 10, 40, 40], "area": 1024.0, "iscrowd": 0})
    annotations.append({"id": len(annotations) + 1, "image_id": first["id"], "category_id": 1,
                        "bbox": [200, 100, 120, 100], "area": 9216.0, "iscrowd": 0})
    return {"info": {"description": "RegionKit synthetic COCOeval golden (seeded)"},
            "images": images, "annotations": annotations, "categories": categories}


def synthetic_detections(rng, gt):
    images = {image["id"]: image for image in gt["images"]}
    category_ids = [c["id"] for c in gt["categories"]]
    detections = []

    def score():
        # Some ties on purpose: a tenth of the scores come from three values.
        if rng.random() < 0.1:
            return rng.choice([0.25, 0.5, 0.75])
        return round(rng.uniform(0.01, 1.0), 3)

    def add(image_id, category_id, x, y, w, h):
        image = images[image_id]
        x = quarter(min(max(x, 0), image["width"] - 2))
        y = quarter(min(max(y, 0), image["height"] - 2))
        w = quarter(max(1, min(w, image["width"] - x)))
        h = quarter(max(1, min(h, image["height"] - y)))
        detections.append({"image_id": image_id, "category_id": category_id,
                           "bbox": [x, y, w, h], "score": score()})

    for annotation in gt["annotations"]:
        x, y, w, h = annotation["bbox"]
        for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
            category = annotation["category_id"]
            if rng.random() < 0.1:
                category = rng.choice(category_ids)
            spread = rng.choice([0.03, 0.1, 0.25])
            add(annotation["image_id"], category, x + rng.gauss(0, spread * w),
                y + rng.gauss(0, spread * h), w * (1 + rng.gauss(0, spread)),
                h * (1 + rng.gauss(0, spread)))
    for image_id, image in sorted(images.items()):
        for _ in range(rng.randint(0, 6)):
            w = rng.uniform(5, image["width"] / 2)
            h = rng.uniform(5, image["height"] / 2)
            add(image_id, rng.choice(category_ids), rng.uniform(0, image["width"] - w),
                rng.uniform(0, image["height"] - h), w, h)
    # More than maxDets=100 detections for one image and category.
    crowded = sorted(images)[0]
    image = images[crowded]
    for _ in range(130):
        w = rng.uniform(8, 200)
        h = rng.uniform(8, 200)
        add(crowded, 1, rng.uniform(0, image["width"] - w), rng.uniform(0, image["height"] - h),
            w, h)
    # A category the ground truth does not have: never evaluated.
    detections.append({"image_id": crowded, "category_id": 42, "bbox": [1, 1, 10, 10],
                       "score": 0.9})
    rng.shuffle(detections)
    return detections


def evaluate(gt_path, detections_path):
    import numpy as np
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    coco_gt = COCO(gt_path)
    coco_dt = coco_gt.loadRes(detections_path)
    evaluation = COCOeval(coco_gt, coco_dt, "bbox")
    evaluation.evaluate()
    evaluation.accumulate()
    evaluation.summarize()
    precision = evaluation.eval["precision"]  # [T, R, K, A, M]
    per_category, per_category_50 = {}, {}
    for k, category_id in enumerate(evaluation.params.catIds):
        values = precision[:, :, k, 0, -1]
        values = values[values > -1]
        per_category[str(category_id)] = float(np.mean(values)) if values.size else -1.0
        values = precision[0, :, k, 0, -1]
        values = values[values > -1]
        per_category_50[str(category_id)] = float(np.mean(values)) if values.size else -1.0
    from importlib.metadata import version
    return {
        "call": "COCOeval(COCO(ground_truth), COCO.loadRes(detections), 'bbox'); "
                "evaluate(); accumulate(); summarize()",
        "pycocotools": version("pycocotools"),
        "numpy": np.__version__,
        "stats": [float(v) for v in evaluation.stats],
        "per_category_ap": per_category,
        "per_category_ap50": per_category_50,
    }


def write_json(path, value, compact_list=False):
    with open(path, "w") as f:
        if compact_list:
            f.write("[\n" + ",\n".join(json.dumps(v) for v in value) + "\n]\n")
        else:
            json.dump(value, f, indent=1)
            f.write("\n")


def main():
    ensure_venv()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "Fixtures", "cocoeval"))
    parser.add_argument("--ground-truth", help="an existing COCO instances JSON to evaluate on")
    parser.add_argument("--seed", type=int, default=20260701)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    if args.ground_truth:
        gt_path = os.path.abspath(args.ground_truth)
        with open(gt_path) as f:
            gt = json.load(f)
    else:
        gt = synthetic_ground_truth(rng)
        gt_path = os.path.join(args.out, "ground_truth.json")
        write_json(gt_path, gt)
    detections = synthetic_detections(rng, gt)
    detections_path = os.path.join(args.out, "detections.json")
    write_json(detections_path, detections, compact_list=True)
    expected = evaluate(gt_path, detections_path)
    expected["seed"] = args.seed
    if args.ground_truth:
        expected["ground_truth"] = gt_path
    write_json(os.path.join(args.out, "expected.json"), expected)
    print("wrote", args.out, "with", len(detections), "detections")


if __name__ == "__main__":
    main()
