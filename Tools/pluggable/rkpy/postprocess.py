"""RegionKit's `DetectionPostprocessor` (Sources/Detectors/DetectionPostprocessor.swift).

Per region and object class (label 1...K): keep the probability if it is at least the score
threshold, decode the class's box delta against the region (or keep the region's box without
deltas), clip to the image, drop boxes narrower or shorter than `min_size`, then NMS within
each class and keep the best `max_detections`. R-CNN's settings: score 0.05, NMS IoU 0.3,
100 detections, min size 0.01.
"""
from dataclasses import dataclass

import numpy as np

from . import boxes as B

F32 = np.float32


@dataclass
class Postprocessor:
    """The settings of RegionKit's post-processor (R-CNN's defaults)."""

    score_threshold: float = 0.05
    nms_threshold: float = 0.3
    max_detections: int = 100
    min_size: float = 1e-2

    def detections(self, regions: np.ndarray, probabilities: np.ndarray, deltas: np.ndarray | None,
                   width: int, height: int) -> list[tuple[np.ndarray, int, float]]:
        """The detections of one image.

        Args:
            regions: float32 `[R, 4]` region boxes in image pixels.
            probabilities: float32 `[R, K + 1]`, column 0 background.
            deltas: float32 `[R, 4 (K + 1)]` class-specific deltas, or None.
            width: Image width, for clipping.
            height: Image height, for clipping.

        Returns:
            (box float32 [4], label 1...K, score) by decreasing score.
        """
        regions = np.asarray(regions, dtype=F32).reshape(-1, 4)
        probabilities = np.asarray(probabilities, dtype=F32)
        columns = probabilities.shape[1]
        threshold = F32(self.score_threshold)
        rows, labels = np.nonzero(probabilities[:, 1:] >= threshold)
        labels = labels + 1
        order = np.lexsort((labels, rows))  # region-major, then label, as the Swift loops
        rows, labels = rows[order], labels[order]
        scores = probabilities[rows, labels]
        boxes = regions[rows]
        if deltas is not None and len(rows):
            deltas = np.asarray(deltas, dtype=F32).reshape(-1, columns, 4)
            boxes = B.decode(deltas[rows, labels], boxes)
        boxes = np.stack([
            np.clip(boxes[:, 0], F32(0), F32(width)), np.clip(boxes[:, 1], F32(0), F32(height)),
            np.clip(boxes[:, 2], F32(0), F32(width)), np.clip(boxes[:, 3], F32(0), F32(height)),
        ], axis=1).astype(F32).reshape(-1, 4)
        min_size = F32(self.min_size)
        big = ((boxes[:, 2] - boxes[:, 0]) >= min_size) & ((boxes[:, 3] - boxes[:, 1]) >= min_size)
        boxes, labels, scores = boxes[big], labels[big], scores[big]
        keep = B.batched_nms(boxes, scores, labels, self.nms_threshold)[: self.max_detections]
        return [(boxes[i], int(labels[i]), float(scores[i])) for i in keep]
