"""R-CNN detection as RegionKit runs it, for any classifier of warped crops.

`detect_image` decodes an image, takes its proposals from a file (the best 2000), warps them
with context (`crop_and_warp`), hands batches of `[R, 3, S, S]` crops in [0, 1] to a
classifier and post-processes as `DetectionPostprocessor` (score 0.05, NMS 0.3).
"""
import time
from dataclasses import dataclass, field

import numpy as np

from . import imaging
from .data import ProposalFile, VOCDataset, VOCImage
from .postprocess import Postprocessor


@dataclass
class Timing:
    """Seconds spent and crops classified."""

    decode: float = 0.0
    crop: float = 0.0
    classify: float = 0.0
    post: float = 0.0
    crops: int = 0
    images: int = 0
    per_image: list = field(default_factory=list)


def classify_image(dataset: VOCDataset, image: VOCImage, proposals: ProposalFile, classify, crop_size: int,
                   padding: int, max_proposals: int = 2000, batch_size: int = 256, timing: Timing | None = None):
    """Decodes one dataset image and classifies the crops of its proposals.

    Args:
        classify: `crops [R, 3, S, S] float32 in [0, 1]` → (probabilities `[R, K + 1]`,
            box deltas `[R, 4 (K + 1)]` or None).
        crop_size: The crop side.
        padding: Context pixels (RegionKit's `contextPadding`).
        max_proposals: Proposals kept, best first. Default: 2000.
        batch_size: Crops per classifier call. Default: 256 (RegionKit's R-CNN default).
        timing: Accumulates seconds per stage when given.

    Returns:
        A dict: boxes `[R, 4]`, probabilities, deltas (or None), the decoded width and height,
        and the scale from decoded to dataset pixels.
    """
    start = time.perf_counter()
    pixels = imaging.decode(dataset.path(image))
    height, width = pixels.shape[:2]
    boxes = proposals.boxes(image.file_name, width, height, max_proposals)
    fill = imaging.mean_color(pixels)
    decoded = time.perf_counter()
    probabilities, deltas = [], []
    crop_seconds = classify_seconds = 0.0
    for first in range(0, len(boxes), batch_size):
        t0 = time.perf_counter()
        crops = imaging.crop_and_warp(pixels, boxes[first:first + batch_size], crop_size, padding, fill)
        t1 = time.perf_counter()
        p, d = classify(crops)
        classify_seconds += time.perf_counter() - t1
        crop_seconds += t1 - t0
        probabilities.append(np.asarray(p, dtype=np.float32))
        if d is not None:
            deltas.append(np.asarray(d, dtype=np.float32))
    if timing is not None:
        timing.decode += decoded - start
        timing.crop += crop_seconds
        timing.classify += classify_seconds
        timing.crops += len(boxes)
        timing.images += 1
    return {"boxes": boxes, "probabilities": np.concatenate(probabilities) if probabilities else None,
            "deltas": np.concatenate(deltas) if deltas else None, "width": width, "height": height,
            "scale": np.float32(image.width) / np.float32(max(width, 1))}


def postprocess(classified: dict, use_deltas: bool = True, postprocessor: Postprocessor | None = None,
                timing: Timing | None = None):
    """The detections of a `classify_image` result: (box float32 [4], label, score) by decreasing
    score, in dataset pixels (as RegionKit reports them)."""
    postprocessor = postprocessor or Postprocessor()
    start = time.perf_counter()
    if len(classified["boxes"]) == 0:
        return []
    found = postprocessor.detections(
        classified["boxes"], classified["probabilities"], classified["deltas"] if use_deltas else None,
        classified["width"], classified["height"])
    scale = classified["scale"]
    if scale != 1:
        found = [((box * scale).astype(np.float32), label, score) for box, label, score in found]
    if timing is not None:
        timing.post += time.perf_counter() - start
    return found


def detect_image(dataset: VOCDataset, image: VOCImage, proposals: ProposalFile, classify, crop_size: int,
                 padding: int, max_proposals: int = 2000, batch_size: int = 256,
                 postprocessor: Postprocessor | None = None, timing: Timing | None = None):
    """`classify_image` then `postprocess` (with the box deltas the classifier returns)."""
    classified = classify_image(dataset, image, proposals, classify, crop_size, padding, max_proposals,
                                batch_size, timing)
    return postprocess(classified, True, postprocessor, timing)
