"""Checks of the Python reproduction of RegionKit's pipeline (rkpy) against independent
references; prints one line per check and exits 1 when one fails.

- the split: indices printed by Swift's own `shuffle(using:)` with SplitMix64 (the code of
  `DatasetSplit`, run once with swiftc);
- crops: the whole image without context equals PyTorch's bilinear resize (align_corners
  False, no antialias), and batched crops equal a scalar transcription of `cropAndWarp`,
  boxes inside and outside the image;
- NMS: torchvision's `batched_nms` on random boxes;
- BoxCoder: decode(encode(b, a), a) == b;
- COCO AP: small cases worked out by hand.

Run with Tools/pluggable/.venv: python selfcheck.py
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rkpy import boxes as B  # noqa: E402
from rkpy import coco_eval, imaging  # noqa: E402
from rkpy.postprocess import Postprocessor  # noqa: E402
from rkpy.split import dataset_split  # noqa: E402

F32 = np.float32
failures = []


def check(name, ok, detail=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")
    if not ok:
        failures.append(name)


# Validation indices of DatasetSplit.indices(count:validationFraction:seed:), from Swift.
SWIFT_SPLITS = {
    (200, 0.2, 0): [2, 3, 6, 7, 13, 15, 20, 30, 33, 35, 37, 45, 47, 52, 54, 55, 64, 67, 69, 74, 75, 77, 85, 86,
                    87, 89, 100, 102, 120, 124, 128, 139, 142, 151, 157, 171, 179, 181, 192, 199],
    (200, 0.2, 1): [3, 7, 8, 10, 13, 22, 25, 32, 38, 51, 54, 56, 65, 73, 88, 91, 92, 101, 106, 109, 110, 112,
                    122, 126, 127, 128, 129, 133, 150, 156, 157, 158, 161, 169, 170, 175, 176, 177, 182, 184],
    (7, 0.3, 5): [0, 2],
}
for (count, fraction, seed), expected in SWIFT_SPLITS.items():
    train, validation = dataset_split(count, fraction, seed)
    check(f"split count {count} fraction {fraction} seed {seed}",
          validation == expected and sorted(train + validation) == list(range(count)))


def scalar_crop(image, box, size, padding, fill):
    """`cropAndWarp` transcribed pixel by pixel (float64 geometry, float32 blend)."""
    height, width, channels = image.shape
    x1, y1, x2, y2 = (F32(v) for v in box)
    out = np.empty((size, size, channels), F32)

    def taps(count, source, origin, scale):
        result = []
        for i in range(count):
            edge = origin + (i + 0.5 - padding) * scale
            inside = 0 <= edge < source
            position = min(max(edge - 0.5, 0.0), source - 1.0)
            lower = math.floor(position)
            result.append((lower, min(lower + 1, source - 1), F32(position - lower), inside))
        return result

    columns = taps(size, width, float(x1), float(x2 - x1) / (size - 2 * padding))
    rows = taps(size, height, float(y1), float(y2 - y1) / (size - 2 * padding))
    for v, (top, bottom, wy, row_inside) in enumerate(rows):
        for u, (left, right, wx, column_inside) in enumerate(columns):
            if not (row_inside and column_inside):
                out[v, u] = fill
                continue
            a, b = image[top, left], image[top, right]
            d, e = image[bottom, left], image[bottom, right]
            upper = a + wx * (b - a)
            lower = d + wx * (e - d)
            out[v, u] = upper + wy * (lower - upper)
    return out.transpose(2, 0, 1)


rng = np.random.default_rng(7)
image = rng.random((37, 53, 3), dtype=np.float32)
fill = imaging.mean_color(image)
check("mean colour", np.allclose(fill, image.reshape(-1, 3).mean(0, dtype=np.float64), atol=1e-7))
try:
    import torch

    whole = imaging.crop_and_warp(image, np.array([[0, 0, 53, 37]], F32), 24, 0)
    reference = torch.nn.functional.interpolate(
        torch.from_numpy(image.transpose(2, 0, 1)[None].copy()), size=(24, 24), mode="bilinear",
        align_corners=False, antialias=False).numpy()
    difference = float(np.abs(whole - reference).max())
    check("whole-image crop vs PyTorch bilinear resize", difference < 1e-5, f"max |difference| {difference:.1e}")
except ImportError:
    print("skip whole-image crop vs PyTorch: torch not installed")
boxes = np.array([[5, 4, 30, 20], [-10, -3, 20, 50], [40.5, 30.25, 70, 44], [0, 0, 53, 37], [12, 9, 13, 10],
                  [3, 3, 3, 8]], F32)
crops = imaging.crop_and_warp(image, boxes, 20, 3, fill)
same = all(np.array_equal(crops[i], scalar_crop(image, boxes[i], 20, 3, fill)) for i in range(5))
check("batched crops == scalar cropAndWarp (bit for bit)", same)
check("degenerate box gives the fill colour", np.array_equal(crops[5], np.broadcast_to(fill[:, None, None], (3, 20, 20))))
check("context padding at 64 px", imaging.context_padding(64) == 5 and imaging.context_padding(227) == 16
      and imaging.context_padding(32) == 2)

anchors = np.abs(rng.normal(size=(50, 4))).astype(F32) * 50
anchors[:, 2:] += anchors[:, :2] + 5
targets = anchors + rng.normal(size=(50, 4)).astype(F32) * 3
round_trip = B.decode(B.encode(targets, anchors), anchors)
check("BoxCoder decode(encode) round trip", np.allclose(round_trip, targets, atol=1e-3))
check("NMS threshold 0.3 in float32", B.float_threshold(0.3) == np.nextafter(F32(0.3), F32(0)))

try:
    import torch
    import torchvision

    corners = rng.random((400, 2), dtype=np.float32) * 100
    sizes = rng.random((400, 2), dtype=np.float32) * 40 + 1
    random_boxes = np.concatenate([corners, corners + sizes], axis=1).astype(F32)
    scores = rng.random(400, dtype=np.float32)
    labels = rng.integers(1, 4, 400)
    ours = B.batched_nms(random_boxes, scores, labels, 0.3)
    theirs = torchvision.ops.batched_nms(torch.from_numpy(random_boxes), torch.from_numpy(scores),
                                         torch.from_numpy(labels), 0.3).tolist()
    check("batched NMS vs torchvision.ops.batched_nms", ours == theirs, f"{len(ours)} kept")
except ImportError:
    print("skip NMS vs torchvision: torchvision not installed")

post = Postprocessor()
regions = np.array([[10, 10, 50, 50], [12, 12, 52, 52], [100, 100, 140, 150]], F32)
probabilities = np.array([[0.1, 0.9], [0.2, 0.8], [0.97, 0.03]], F32)
found = post.detections(regions, probabilities, None, 200, 200)
check("post-processing: NMS 0.3 and score 0.05", [(f[1], round(f[2], 2)) for f in found] == [(1, 0.9)])

truth = {1: [(np.array([0, 0, 10, 10], F32), 1, False)], 2: [(np.array([0, 0, 10, 10], F32), 1, False)]}
detections = {1: [(np.array([0, 0, 10, 10], F32), 1, 0.9)], 2: [(np.array([0, 0, 10, 6], F32), 1, 0.8)]}
scores = coco_eval.evaluate(truth, detections, [1])
# Image 1 matches at every IoU; image 2 (IoU 0.6) at 0.5, 0.55, 0.6: precision 1 up to recall 1
# there (AP 1), recall 0.5 elsewhere (AP 51/101).
expected_ap = (3 * 1.0 + 7 * 51 / 101) / 10
check("COCO AP50 and AP, two images", abs(scores["AP50"] - 1.0) < 1e-12 and abs(scores["AP"] - expected_ap) < 1e-12,
      f"AP50 {scores['AP50']:.4f} AP {scores['AP']:.4f}")
detections[2] = [(np.array([50, 50, 60, 60], F32), 1, 0.95)]
scores = coco_eval.evaluate(truth, detections, [1])
# A false positive ranked first: precision 1/2 at recall 1/2, envelope 0.5 up to recall 0.5.
check("COCO AP50 with a false positive first", abs(scores["AP50"] - 51 * 0.5 / 101) < 1e-12,
      f"AP50 {scores['AP50']:.4f}")
truth[3] = [(np.array([0, 0, 10, 10], F32), 1, True)]
detections[3] = [(np.array([0, 0, 10, 10], F32), 1, 0.99)]
check("COCO: detections of difficult objects are ignored",
      abs(coco_eval.evaluate(truth, detections, [1])["AP50"] - scores["AP50"]) < 1e-12)

print(f"{len(failures)} failed" if failures else "all checks passed")
sys.exit(1 if failures else 0)
