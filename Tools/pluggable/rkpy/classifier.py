"""The exported region classifier as a function of RegionKit's crops.

`RegionClassifier(folder)` reads `net.onnx` and `net.json` (written by train_cnn.py) and turns
`[R, 3, S, S]` RGB crops in [0, 1] (what RegionKit hands any R-CNN classifier) into softmax
probabilities `[R, K + 1]` and box deltas `[R, 4 (K + 1)]`: normalised as RegionKit's
`InputNormalization` would (the values in net.json), then run by onnxruntime or, with
`backend="torch"`, by the PyTorch weights in `net.pt`.
"""
import json
import os

import numpy as np

from .normalization import normalize


class RegionClassifier:
    """The network of a train_cnn.py output folder."""

    def __init__(self, folder: str, backend: str = "onnxruntime", threads: int = 1, box_deltas: bool = True):
        """
        Args:
            folder: The folder with net.onnx, net.json (and net.pt for the torch backend).
            backend: "onnxruntime" (default) or "torch".
            threads: Intra-op threads. Default: 1.
            box_deltas: Return the box deltas (default) or None.

        Raises:
            ValueError: for an unknown backend; OSError for missing files.
        """
        with open(os.path.join(folder, "net.json"), encoding="utf-8") as handle:
            self.info = json.load(handle)
        self.classes = self.info["classes"]
        self.crop_size = int(self.info["crop_size"])
        self.padding = int(self.info["context_padding"])
        self.box_deltas = box_deltas
        norm = self.info["normalization"]
        self._normalize = lambda crops: normalize(
            crops, norm["mean"], norm["std"], norm["channel_order"], norm["pixel_range"])
        self.backend = backend
        if backend == "onnxruntime":
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            self._session = onnxruntime.InferenceSession(
                os.path.join(folder, "net.onnx"), options, providers=["CPUExecutionProvider"])
            self._outputs = [self.info["outputs"]["probabilities"], self.info["outputs"]["box_deltas"]]
        elif backend == "torch":
            import torch

            from train_cnn import build_network  # noqa: the training script defines the network

            torch.set_num_threads(threads)
            training = self.info["training"]
            self._model = build_network(len(self.classes), training["width"], self.crop_size)
            self._model.load_state_dict(torch.load(os.path.join(folder, "net.pt"), weights_only=True))
            self._model.eval()
        else:
            raise ValueError(f"backend {backend!r}: allowed onnxruntime or torch")

    def __call__(self, crops: np.ndarray):
        """`[R, 3, S, S]` crops in [0, 1] → (probabilities, box deltas or None), float32."""
        crops = np.asarray(crops, dtype=np.float32)
        if crops.ndim != 4 or crops.shape[1:] != (3, self.crop_size, self.crop_size):
            raise ValueError(f"crops of shape {crops.shape}, expected [R, 3, {self.crop_size}, {self.crop_size}]")
        if crops.shape[0] == 0:
            k = len(self.classes) + 1
            return np.zeros((0, k), np.float32), (np.zeros((0, 4 * k), np.float32) if self.box_deltas else None)
        x = self._normalize(crops)
        if self.backend == "onnxruntime":
            probabilities, deltas = self._session.run(self._outputs, {self.info["input"]: x})
        else:
            import torch

            with torch.no_grad():
                scores, deltas = self._model(torch.from_numpy(x))
                probabilities, deltas = torch.softmax(scores, 1).numpy(), deltas.numpy()
        return probabilities.astype(np.float32), (deltas.astype(np.float32) if self.box_deltas else None)
