"""RegionKit's box arithmetic in float32: IoU, `BoxCoder` (weights 10, 10, 5, 5; size deltas
clipped at log(1000/16)), greedy NMS and `batchedNonMaximumSuppression`.

Boxes are float32 `[N, 4]` arrays, x1 y1 x2 y2 in pixel-edge coordinates. Exponentials and
logarithms go through the C library's `expf` / `logf`, the functions RegionKit calls, so decoded
boxes match to the bit.
"""
import ctypes
import ctypes.util
import math

import numpy as np

F32 = np.float32
WEIGHTS = (F32(10), F32(10), F32(5), F32(5))
SIZE_DELTA_CLIP = F32(math.log(1000.0 / 16.0))

_libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
_libm.expf.restype = ctypes.c_float
_libm.expf.argtypes = [ctypes.c_float]
_libm.logf.restype = ctypes.c_float
_libm.logf.argtypes = [ctypes.c_float]


def expf(values: np.ndarray) -> np.ndarray:
    """The C library's single-precision exponential, element by element."""
    flat = np.asarray(values, dtype=F32).ravel()
    return np.array([_libm.expf(float(v)) for v in flat], dtype=F32).reshape(np.shape(values))


def logf(values: np.ndarray) -> np.ndarray:
    """The C library's single-precision natural logarithm, element by element."""
    flat = np.asarray(values, dtype=F32).ravel()
    return np.array([_libm.logf(float(v)) for v in flat], dtype=F32).reshape(np.shape(values))


def area(boxes: np.ndarray) -> np.ndarray:
    """`(x2 - x1) * (y2 - y1)` in float32."""
    boxes = np.asarray(boxes, dtype=F32)
    return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`[len(a), len(b)]` IoU in float32, as `Box.iou` (intersection clipped at zero)."""
    a = np.asarray(a, dtype=F32).reshape(-1, 4)
    b = np.asarray(b, dtype=F32).reshape(-1, 4)
    width = np.maximum(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), F32(0))
    height = np.maximum(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), F32(0))
    inter = width * height
    with np.errstate(invalid="ignore", divide="ignore"):
        return inter / (area(a)[:, None] + area(b)[None, :] - inter)


def encode(boxes: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """`BoxCoder.encode(_:relativeTo:)`: `[N, 4]` deltas (dx, dy, dw, dh) of `boxes` against `anchors`."""
    boxes = np.asarray(boxes, dtype=F32).reshape(-1, 4)
    anchors = np.asarray(anchors, dtype=F32).reshape(-1, 4)
    aw = anchors[:, 2] - anchors[:, 0]
    ah = anchors[:, 3] - anchors[:, 1]
    acx = anchors[:, 0] + F32(0.5) * aw
    acy = anchors[:, 1] + F32(0.5) * ah
    w = boxes[:, 2] - boxes[:, 0]
    h = boxes[:, 3] - boxes[:, 1]
    cx = boxes[:, 0] + F32(0.5) * w
    cy = boxes[:, 1] + F32(0.5) * h
    return np.stack([
        WEIGHTS[0] * (cx - acx) / aw,
        WEIGHTS[1] * (cy - acy) / ah,
        WEIGHTS[2] * logf(w / aw),
        WEIGHTS[3] * logf(h / ah),
    ], axis=1).astype(F32)


def decode(deltas: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """`BoxCoder.decode(_:relativeTo:)`: `[N, 4]` boxes from deltas against `anchors`."""
    deltas = np.asarray(deltas, dtype=F32).reshape(-1, 4)
    anchors = np.asarray(anchors, dtype=F32).reshape(-1, 4)
    aw = anchors[:, 2] - anchors[:, 0]
    ah = anchors[:, 3] - anchors[:, 1]
    acx = anchors[:, 0] + F32(0.5) * aw
    acy = anchors[:, 1] + F32(0.5) * ah
    dx = deltas[:, 0] / WEIGHTS[0]
    dy = deltas[:, 1] / WEIGHTS[1]
    dw = deltas[:, 2] / WEIGHTS[2]
    dh = deltas[:, 3] / WEIGHTS[3]
    dw = np.where(dw > SIZE_DELTA_CLIP, SIZE_DELTA_CLIP, dw)
    dh = np.where(dh > SIZE_DELTA_CLIP, SIZE_DELTA_CLIP, dh)
    cx = dx * aw + acx
    cy = dy * ah + acy
    half_w = F32(0.5) * (expf(dw) * aw)
    half_h = F32(0.5) * (expf(dh) * ah)
    return np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1).astype(F32)


def float_threshold(threshold: float) -> np.float32:
    """RegionKit's float32 NMS threshold: the largest float32 not above `threshold`."""
    rounded = F32(threshold)
    return np.nextafter(rounded, F32(-np.inf)) if float(rounded) > threshold else rounded


def descending_score_order(scores: np.ndarray) -> np.ndarray:
    """Indices by decreasing score, ties by index, NaN scores left out (`descendingScoreOrder`)."""
    scores = np.asarray(scores, dtype=F32)
    keep = np.flatnonzero(~np.isnan(scores))
    # -0 and +0 compare equal; a stable sort keeps ties in index order.
    order = np.argsort(-scores[keep].astype(np.float64), kind="stable")
    return keep[order]


def greedy_suppression(boxes: np.ndarray, order: np.ndarray, threshold: float) -> list[int]:
    """Greedy NMS over `order`: keep the first, drop later boxes with IoU > threshold."""
    limit = float_threshold(threshold)
    boxes = np.asarray(boxes, dtype=F32)
    candidates = list(order)
    kept = []
    while candidates:
        head = candidates[0]
        kept.append(int(head))
        rest = np.array(candidates[1:], dtype=np.int64)
        if rest.size == 0:
            break
        overlaps = iou_matrix(boxes[head:head + 1], boxes[rest])[0]
        # A NaN IoU never suppresses.
        candidates = [int(i) for i, o in zip(rest, overlaps) if not o > limit]
    return kept


def batched_nms(boxes: np.ndarray, scores: np.ndarray, class_ids: np.ndarray, threshold: float) -> list[int]:
    """`batchedNonMaximumSuppression`: NMS within each class, survivors by decreasing score."""
    order = descending_score_order(scores)
    rank = np.empty(len(scores), dtype=np.int64)
    rank[order] = np.arange(len(order))
    kept = []
    class_ids = np.asarray(class_ids)
    for label in np.unique(class_ids[order]) if len(order) else []:
        members = order[class_ids[order] == label]
        kept += greedy_suppression(boxes, members, threshold)
    return sorted(kept, key=lambda index: rank[index])
