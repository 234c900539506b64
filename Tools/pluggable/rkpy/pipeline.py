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


def detect_image(dataset: VOCDataset, image: VOCImage, proposals: ProposalFile, classify,
                 crop_size: int, padding: int, max_proposals: int = 2000, batch_size: int = 256,
                 postprocessor: Postprocessor | None = None, timing: Timing | None = None):
    """The detections of one dataset image.

    Args:
        classify: `crops [R, 3, S, S] float32 in [0, 1]` → (probabilities `[R, K + 1]`,
            box deltas `[R, 4 (K + 1)]` or None).
        crop_size: The crop side.
        padding: Context pixels (RegionKit's `contextPadding`).
        max_proposals: Proposals kept, best first. Default: 2000.
        batch_size: Crops per classifier call. Default: 256 (RegionKit's R-CNN default).
        postprocessor: Default: R-CNN's settings.
        timing: Accumulates seconds per stage when given.

    Returns:
        (box float32 [4], label, score) by decreasing score, in the image's pixels scaled to the
        dataset's size (as RegionKit reports them).
    """
    postprocessor = postprocessor or Postprocessor()
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
    t2 = time.perf_counter()
    if len(boxes) == 0:
        found = []
    else:
        found = postprocessor.detections(
            boxes, np.concatenate(probabilities), np.concatenate(deltas) if deltas else None, width, height)
    scale = np.float32(image.width) / np.float32(max(width, 1))
    if scale != 1:
        found = [((box * scale).astype(np.float32), label, score) for box, label, score in found]
    if timing is not None:
        timing.decode += decoded - start
        timing.crop += crop_seconds
        timing.classify += classify_seconds
        timing.post += time.perf_counter() - t2
        timing.crops += len(boxes)
        timing.images += 1
    return found
