"""COCO average precision as RegionKit's `COCOEvaluation` computes it (pycocotools' COCOeval
for boxes): IoU thresholds 0.5:0.05:0.95, 101 recall points, greedy matching by score with
difficult objects ignored, at most 100 detections per image and category. Only the "all" area
range is computed, which is what AP and AP50 (`stats[0]`, `stats[1]`) use.
"""
import numpy as np


def linearly_spaced(start: float, stop: float, count: int) -> list[float]:
    """RegionKit's `linearlySpaced`: `i * step + start`, the last value exactly `stop`."""
    step = (stop - start) / (count - 1)
    values = [i * step + start for i in range(count)]
    values[-1] = stop
    return values


IOU_THRESHOLDS = linearly_spaced(0.5, 0.95, 10)
RECALL_THRESHOLDS = linearly_spaced(0.0, 1.0, 101)


def overlap(detection, truth) -> float:
    """`detectionOverlap` for non-crowd objects: IoU of float32 corners in float64."""
    dx, dy = float(detection[0]), float(detection[1])
    dw, dh = float(detection[2]) - dx, float(detection[3]) - dy
    gx, gy = float(truth[0]), float(truth[1])
    gw, gh = float(truth[2]) - gx, float(truth[3]) - gy
    width = min(dx + dw, gx + gw) - max(dx, gx)
    if not width > 0:
        return 0.0
    height = min(dy + dh, gy + gh) - max(dy, gy)
    if not height > 0:
        return 0.0
    inter = width * height
    return inter / (dw * dh + gw * gh - inter)


def _match(objects, detections, threshold):
    """Per detection (sorted by score): matched, ignored; and the count of counted objects."""
    ignored_object = [difficult for _, difficult in objects]
    order = [i for i in range(len(objects)) if not ignored_object[i]] + \
        [i for i in range(len(objects)) if ignored_object[i]]
    is_ignored = [ignored_object[i] for i in order]
    matched = [False] * len(detections)
    ignored = [False] * len(detections)
    taken = [False] * len(order)
    for d, (box, _) in enumerate(detections):
        best = min(threshold, 1 - 1e-10)
        m = -1
        for position, index in enumerate(order):
            if taken[position]:
                continue
            if m > -1 and not is_ignored[m] and is_ignored[position]:
                break
            value = overlap(box, objects[index][0])
            if value < best:
                continue
            best = value
            m = position
        if m == -1:
            continue
        ignored[d] = is_ignored[m]
        matched[d] = True
        taken[m] = True
    return matched, ignored


def evaluate(ground_truth: dict, detections: dict, categories: list[int],
             max_detections: int = 100) -> dict:
    """AP and AP50 of detections.

    Args:
        ground_truth: image id → list of (box float32 [4], category id, difficult).
        detections: image id → list of (box float32 [4], category id, score), any order.
        categories: The category ids.
        max_detections: Detections kept per image and category, best first. Default: 100.

    Returns:
        {"AP": mean over IoU thresholds, "AP50": at IoU 0.5} (COCO's stats[0] and stats[1]);
        -1 when no category has a counted object.
    """
    images = sorted(ground_truth)
    precision = {}  # (t, k) -> list over recall thresholds
    for k in categories:
        per_image = []
        counted = 0
        for image in images:
            objects = [(box, difficult) for box, c, difficult in ground_truth[image] if c == k]
            found = [(box, score) for box, c, score in detections.get(image, []) if c == k]
            # Stable sort by decreasing score, cut to the best max_detections.
            found = [found[i] for i in sorted(range(len(found)), key=lambda i: -found[i][1])]
            found = found[:max_detections]
            if not objects and not found:
                continue
            counted += sum(1 for _, difficult in objects if not difficult)
            per_image.append((objects, found))
        if counted == 0:
            continue
        scores = []
        flags = []
        for e, (objects, found) in enumerate(per_image):
            scores += [score for _, score in found]
            flags += [(e, d) for d in range(len(found))]
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        for t, threshold in enumerate(IOU_THRESHOLDS):
            results = [_match(objects, found, threshold) for objects, found in per_image]
            tp = fp = 0.0
            recalls, precisions = [], []
            for index in order:
                e, d = flags[index]
                matched, ignored = results[e]
                if ignored[d]:
                    pass
                elif matched[d]:
                    tp += 1
                else:
                    fp += 1
                recalls.append(tp / counted)
                precisions.append(tp / (fp + tp + np.spacing(1)))
            for i in range(len(precisions) - 1, 0, -1):
                if precisions[i] > precisions[i - 1]:
                    precisions[i - 1] = precisions[i]
            values = []
            position = 0
            for threshold_r in RECALL_THRESHOLDS:
                while position < len(recalls) and recalls[position] < threshold_r:
                    position += 1
                values.append(precisions[position] if position < len(precisions) else 0.0)
            precision[(t, k)] = values
    if not precision:
        return {"AP": -1.0, "AP50": -1.0}
    every = [v for values in precision.values() for v in values]
    at50 = [v for (t, _), values in precision.items() if t == 0 for v in values]
    return {"AP": float(np.mean(every)), "AP50": float(np.mean(at50))}
