"""COCO AP50 and AP of a COCO results file (e.g. `regionkit detect -o FILE`) on the validation
images of a train_cnn.py folder, computed as evaluate_python.py computes them: a cross-check of
the figure `regionkit detect --evaluate` prints, with more digits.

    python score_results.py DATASET RESULTS.json --model OUT
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rkpy import coco_eval  # noqa: E402
from rkpy.data import DataError, read_voc  # noqa: E402


def score(dataset, results: list, names: set) -> dict:
    """AP50, AP and counts of COCO `results` on the images of `dataset` named in `names`."""
    images = [image for image in dataset.images if image.file_name in names]
    ids = {image.id for image in images}
    truth = {image.id: [(image.boxes[j], image.category_ids[j], image.difficult[j]) for j in range(len(image.boxes))]
             for image in images}
    detections = {}
    for r in results:
        if r["image_id"] not in ids:
            continue
        x, y, w, h = (np.float32(v) for v in r["bbox"])
        detections.setdefault(r["image_id"], []).append(
            (np.array([x, y, x + w, y + h], dtype=np.float32), r["category_id"], float(r["score"])))
    scores = coco_eval.evaluate(truth, detections, [cid for cid, _ in dataset.categories])
    return {"images": len(images), "detections": sum(len(d) for d in detections.values()), **scores}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", help="Pascal VOC folder.")
    parser.add_argument("results", help="COCO results JSON (image ids of the dataset: 1...n by file name).")
    parser.add_argument("--model", required=True, help="The train_cnn.py folder (its net.json lists the validation images).")
    args = parser.parse_args()
    try:
        dataset = read_voc(args.dataset)
        with open(os.path.join(args.model, "net.json"), encoding="utf-8") as handle:
            names = set(json.load(handle)["validation_images"])
        with open(args.results, encoding="utf-8") as handle:
            results = json.load(handle)
    except (DataError, OSError, ValueError, KeyError) as error:
        sys.exit(f"score_results: {error}")
    print(json.dumps({"results": os.path.basename(args.results), **score(dataset, results, names)}))


if __name__ == "__main__":
    main()
