"""The network of a train_cnn.py folder as an out-of-process classifier for RegionKit:
`regionkit train rcnn --classifier command --command "python command_classifier.py OUT"`.

RegionKit's classifier protocol, version 1 (the DocC article "Plug in your own classifier",
section "Classifiers in any language"):
1. On start, one line of JSON on standard output: {"protocol": "regionkit-classifier",
   "version": 1, "classes": [...], "crop_size": S, "channel_order": "rgb", "box_deltas": true}.
2. Then, for each batch, RegionKit writes the crops to standard input as one `.npy` array,
   float32 `[R, 3, S, S]`, RGB in [0, 1]; this script answers with one `.npy` float32
   `[R, K + 1]` of probabilities (column 0 background) and one `.npy` float32 `[R, 4 (K + 1)]`
   of box deltas (RegionKit's BoxCoder encoding), then flushes.
3. When standard input ends, the script exits 0.

The crops are normalised as RegionKit's `InputNormalization` would (ImageNet's mean and std,
from net.json) and run by onnxruntime (or PyTorch with --backend torch): the same network and
arithmetic as `--classifier onnx` and as evaluate_python.py. Messages go to standard error only.
"""
import argparse
import ast
import io
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MAGIC = b"\x93NUMPY"


class ProtocolError(Exception):
    """Input that is not a float32 `.npy` array of crops."""


def read_exactly(stream, count: int) -> bytes | None:
    """`count` bytes, or None at a clean end of input before the first byte."""
    chunks, remaining = [], count
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            if remaining == count:
                return None
            raise ProtocolError(f"input ended {remaining} bytes short of {count}")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_npy(stream) -> np.ndarray | None:
    """One `.npy` array from a byte stream (None at the end of input)."""
    magic = read_exactly(stream, 8)
    if magic is None:
        return None
    if magic[:6] != MAGIC:
        raise ProtocolError(f"not an .npy array: starts with {magic!r}")
    major = magic[6]
    if major == 1:
        size = int.from_bytes(read_exactly(stream, 2), "little")
    elif major in (2, 3):
        size = int.from_bytes(read_exactly(stream, 4), "little")
    else:
        raise ProtocolError(f".npy format version {major} is not 1, 2 or 3")
    header = ast.literal_eval(read_exactly(stream, size).decode("latin1"))
    dtype = np.dtype(header["descr"])
    if dtype != np.dtype("<f4"):
        raise ProtocolError(f"crops have dtype {header['descr']}, expected <f4")
    shape = tuple(header["shape"])
    count = int(np.prod(shape)) if shape else 1
    data = read_exactly(stream, count * 4) if count else b""
    if data is None:
        raise ProtocolError("input ended inside an .npy array")
    order = "F" if header.get("fortran_order") else "C"
    return np.frombuffer(data, dtype="<f4").reshape(shape, order=order)


def write_npy(stream, array: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.ascontiguousarray(array, dtype="<f4"), version=(1, 0))
    stream.write(buffer.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="A train_cnn.py output folder (net.onnx, net.json).")
    parser.add_argument("--backend", choices=["onnxruntime", "torch"], default="onnxruntime",
                        help="Default: onnxruntime.")
    parser.add_argument("--threads", type=int, default=1, help="Network threads (1-256). Default: 1.")
    parser.add_argument("--no-box-deltas", action="store_true",
                        help="Announce and send no box deltas. Default: send them.")
    parser.add_argument("--dump-crops", metavar="DIR",
                        help="Also save every batch received as DIR/batch-N.npy (for checking crops). Default: none.")
    args = parser.parse_args()
    if not 1 <= args.threads <= 256:
        parser.error(f"--threads must be between 1 and 256, got {args.threads}")

    from rkpy.classifier import RegionClassifier

    try:
        classify = RegionClassifier(args.model, args.backend, args.threads, not args.no_box_deltas)
    except (OSError, ValueError, KeyError) as error:
        sys.exit(f"command_classifier: {args.model}: {error}")
    out = sys.stdout.buffer
    handshake = {"protocol": "regionkit-classifier", "version": 1, "classes": classify.classes,
                 "crop_size": classify.crop_size, "channel_order": "rgb", "box_deltas": not args.no_box_deltas}
    out.write((json.dumps(handshake) + "\n").encode())
    out.flush()
    if args.dump_crops:
        os.makedirs(args.dump_crops, exist_ok=True)
    batches = 0
    while True:
        try:
            crops = read_npy(sys.stdin.buffer)
        except (ProtocolError, ValueError, KeyError, SyntaxError) as error:
            sys.exit(f"command_classifier: batch {batches}: {error}")
        if crops is None:
            return
        if args.dump_crops:
            np.save(os.path.join(args.dump_crops, f"batch-{batches}.npy"), crops)
        try:
            probabilities, deltas = classify(crops)
        except ValueError as error:
            sys.exit(f"command_classifier: batch {batches}: {error}")
        write_npy(out, probabilities)
        if deltas is not None:
            write_npy(out, deltas)
        out.flush()
        batches += 1


if __name__ == "__main__":
    main()
