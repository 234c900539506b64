#!/usr/bin/env python3
"""Checks a `regionkit merge` .npz with NumPy against the JSON Lines file written beside it.

    python3 Tools/check_npz.py out/proposals.npz [out/proposals.jsonl]

Loads the archive with numpy.load (which parses our .npy headers), checks dtypes and shapes,
and compares every box, score and image index with the JSON Lines records. Needs numpy; not
part of `make test`.
"""
import json
import sys

import numpy as np


def main() -> int:
    npz_path = sys.argv[1]
    jsonl_path = sys.argv[2] if len(sys.argv) > 2 else npz_path[: -len(".npz")] + ".jsonl"
    z = np.load(npz_path)
    assert set(z.files) == {"boxes", "scores", "image_ids", "images"}, z.files
    boxes, scores, ids, images = z["boxes"], z["scores"], z["image_ids"], z["images"]
    assert boxes.dtype == np.float32 and boxes.ndim == 2 and boxes.shape[1] == 4, boxes.dtype
    assert scores.dtype == np.float32 and ids.dtype == np.int64 and images.dtype.kind == "U"
    assert len(scores) == len(ids) == len(boxes)
    with open(jsonl_path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    assert list(images) == [r["image"] for r in records], "image names differ"
    start = 0
    for index, record in enumerate(records):
        count = len(record.get("boxes", []))
        end = start + count
        assert (ids[start:end] == index).all(), f"image_ids of {record['image']}"
        expected = np.asarray(record.get("boxes", []), dtype=np.float32).reshape(-1, 4)
        assert np.array_equal(boxes[start:end], expected), f"boxes of {record['image']}"
        assert np.array_equal(scores[start:end], np.asarray(record.get("scores", []), dtype=np.float32))
        start = end
    assert start == len(boxes)
    print(f"{npz_path}: {len(records)} images, {len(boxes)} proposals match {jsonl_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
