#!/usr/bin/env python3
"""A region classifier for RegionKit, in Python with NumPy only.

It speaks RegionKit's classifier protocol, version 1, on its standard input and output:

1. At start it writes one line of JSON, the handshake: the classes in label order, the crop
   size, the channel order and whether it answers with box deltas.
2. Then, for each batch, it reads one .npy array of crops, float32 [R, 3, S, S] with values
   in [0, 1], and writes back one .npy array of probabilities, float32 [R, K + 1] (column 0
   the background), then one of box deltas, float32 [R, 4 (K + 1)], and flushes.
3. When its standard input ends, it exits with status 0.

Standard output carries only the protocol; messages go to standard error.

The classifier is small but real: it separates each crop's object from the crop's border
colour, measures how well the object's silhouette fits the proposal (the crop without its
context margin) and how much of it leaks into the margin, and compares the silhouette,
resampled to 8 x 8 cells, with prototypes of the shapes `regionkit synth` draws (circle,
square, upward triangle). A logistic model with the weights below turns the measures into
the probability of an object, a softmax over prototype distances shares it among the
classes, and the silhouette's extent gives the box deltas (the same for every class).

Usage (RegionKit starts it; see README.md):

    regionkit train rcnn DATASET -o MODEL --classifier command \
        --command "python3 $PWD/shape_classifier.py"
"""

import argparse
import ast
import io
import json
import sys

import numpy as np

PROTOCOL = "regionkit-classifier"
VERSION = 1

# The shapes of `regionkit synth`, in its class order, as fractions of 8 x 8 silhouette cells:
# (fill, top corners, bottom corners).
PROTOTYPES = {
    "circle": (0.79, 0.25, 0.25),
    "square": (1.00, 1.00, 1.00),
    "triangle": (0.50, 0.00, 0.75),
}
# Softmax temperature of the squared prototype distances.
SHAPE_TEMPERATURE = 0.05
# Logistic model of "this crop holds a well-framed object": bias, then weights of the
# silhouette's IoU with the proposal, its share in the context margin, the border contrast and
# the distance to the nearest prototype.
OBJECT_WEIGHTS = (-6.0, 10.0, -8.0, 6.0, -6.0)
# Box-delta weights of RegionKit's BoxCoder (torchvision's): dx, dy, dw, dh.
DELTA_WEIGHTS = (10.0, 10.0, 5.0, 5.0)


def read_exactly(stream, count):
    """`count` bytes of `stream`, or None at its end before the first byte."""
    data = bytearray()
    while len(data) < count:
        chunk = stream.read(count - len(data))
        if not chunk:
            if not data:
                return None
            raise EOFError(f"input ended after {len(data)} of {count} bytes")
        data += chunk
    return bytes(data)


def read_npy(stream):
    """The next .npy array of `stream` (format 1.0, 2.0 or 3.0), or None at its end."""
    prefix = read_exactly(stream, 8)
    if prefix is None:
        return None
    if prefix[:6] != b"\x93NUMPY":
        raise ValueError(f"not a .npy array: {prefix!r}")
    length_bytes = 2 if prefix[6] == 1 else 4
    header_length = int.from_bytes(read_exactly(stream, length_bytes), "little")
    header = ast.literal_eval(read_exactly(stream, header_length).decode("latin1"))
    dtype = np.dtype(header["descr"])
    shape = tuple(header["shape"])
    count = int(np.prod(shape)) if shape else 1
    data = read_exactly(stream, count * dtype.itemsize) if count else b""
    order = "F" if header["fortran_order"] else "C"
    return np.frombuffer(data, dtype=dtype).reshape(shape, order=order)


def write_npy(stream, array):
    """Writes `array` as a little-endian float32 .npy array (format 1.0)."""
    buffer = io.BytesIO()
    np.lib.format.write_array(
        buffer, np.ascontiguousarray(array, dtype="<f4"), version=(1, 0))
    stream.write(buffer.getvalue())


def context_padding(crop_size):
    """RegionKit's default context around each proposal: 16 px at 227 px, at least 1 px."""
    return max(1, int(np.floor(crop_size * 16 / 227 + 0.5)))


def classify(crops, classes):
    """Probabilities [R, K + 1] and box deltas [R, 4 (K + 1)] of RGB crops [R, 3, S, S]."""
    count, _, size, _ = crops.shape
    pad = context_padding(size)
    inner = size - 2 * pad
    pixels = crops.transpose(0, 2, 3, 1).astype(np.float32)
    margin = np.ones((size, size), dtype=bool)
    margin[pad:size - pad, pad:size - pad] = False
    border = pixels[:, margin].mean(axis=1)
    distance = np.linalg.norm(pixels - border[:, None, None, :], axis=-1)
    peak = np.percentile(distance.reshape(count, -1), 95, axis=1)
    mask = distance > np.maximum(0.12, 0.5 * peak)[:, None, None]

    # The silhouette's extent: rows and columns at least 15 % covered.
    rows = mask.mean(axis=2) > 0.15
    columns = mask.mean(axis=1) > 0.15
    found = rows.any(axis=1) & columns.any(axis=1)
    top = np.argmax(rows, axis=1)
    bottom = size - np.argmax(rows[:, ::-1], axis=1)
    left = np.argmax(columns, axis=1)
    right = size - np.argmax(columns[:, ::-1], axis=1)

    # IoU of the extent with the proposal (the crop without its margin) and margin leakage.
    overlap_w = np.clip(np.minimum(right, size - pad) - np.maximum(left, pad), 0, None)
    overlap_h = np.clip(np.minimum(bottom, size - pad) - np.maximum(top, pad), 0, None)
    area = (right - left) * (bottom - top)
    iou = overlap_w * overlap_h / (area + inner * inner - overlap_w * overlap_h)
    leak = mask[:, margin].mean(axis=1)

    # The silhouette resampled to 8 x 8 cells of its own extent.
    steps = (np.arange(8) + 0.5) / 8
    ys = np.clip((top[:, None] + (bottom - top)[:, None] * steps).astype(int), 0, size - 1)
    xs = np.clip((left[:, None] + (right - left)[:, None] * steps).astype(int), 0, size - 1)
    cells = mask[np.arange(count)[:, None, None], ys[:, :, None], xs[:, None, :]].astype(
        np.float32)
    features = np.stack([
        cells.mean(axis=(1, 2)),
        np.concatenate([cells[:, :2, :2], cells[:, :2, -2:]], axis=2).mean(axis=(1, 2)),
        np.concatenate([cells[:, -2:, :2], cells[:, -2:, -2:]], axis=2).mean(axis=(1, 2)),
    ], axis=1)
    prototypes = np.array([PROTOTYPES.get(name, (0.75, 0.5, 0.5)) for name in classes])
    squared = ((features[:, None, :] - prototypes[None, :, :]) ** 2).sum(axis=2)
    shape = np.exp(-(squared - squared.min(axis=1, keepdims=True)) / SHAPE_TEMPERATURE)
    shape /= shape.sum(axis=1, keepdims=True)

    bias, w_iou, w_leak, w_contrast, w_distance = OBJECT_WEIGHTS
    logit = (bias + w_iou * iou + w_leak * leak + w_contrast * peak
             + w_distance * np.sqrt(squared.min(axis=1)))
    objectness = np.where(found, 1 / (1 + np.exp(-logit)), 0.0)
    probabilities = np.concatenate(
        [(1 - objectness)[:, None], objectness[:, None] * shape], axis=1)

    # Deltas from the proposal to the silhouette's extent, in crop pixels (the warp scales both
    # boxes alike, so the deltas hold in the image too).
    wx, wy, ww, wh = DELTA_WEIGHTS
    width = np.maximum(right - left, 1).astype(np.float32)
    height = np.maximum(bottom - top, 1).astype(np.float32)
    deltas = np.stack([
        wx * ((left + right) / 2 - size / 2) / inner,
        wy * ((top + bottom) / 2 - size / 2) / inner,
        ww * np.log(width / inner),
        wh * np.log(height / inner),
    ], axis=1)
    deltas = np.where(found[:, None], deltas, 0.0)
    return probabilities, np.tile(deltas, (1, len(classes) + 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--classes", default="circle,square,triangle",
        help="the dataset's class names in label order (default: regionkit synth's)")
    parser.add_argument("--crop-size", type=int, default=32, help="crop side in pixels")
    parser.add_argument(
        "--bgr", action="store_true", help="ask for BGR crops (to show the channel order)")
    args = parser.parse_args()
    classes = args.classes.split(",")
    output, source = sys.stdout.buffer, sys.stdin.buffer
    handshake = {
        "protocol": PROTOCOL, "version": VERSION, "classes": classes,
        "crop_size": args.crop_size, "channel_order": "bgr" if args.bgr else "rgb",
        "box_deltas": True,
    }
    output.write((json.dumps(handshake) + "\n").encode())
    output.flush()
    batches = 0
    while True:
        crops = read_npy(source)
        if crops is None:
            print(f"shape_classifier: {batches} batches, input ended", file=sys.stderr)
            return 0
        if args.bgr:
            crops = crops[:, ::-1]
        probabilities, deltas = classify(np.asarray(crops, dtype=np.float32), classes)
        write_npy(output, probabilities)
        write_npy(output, deltas)
        output.flush()
        batches += 1


if __name__ == "__main__":
    sys.exit(main())
