#!/usr/bin/env python3
"""Writes Fixtures/onnx/rcnn/: a tiny region classifier trained in PyTorch, exported to ONNX,
for the tests and the example of R-CNN with ONNX networks (`--classifier onnx-features` and
`--classifier onnx`).

The network classifies 32x32 warped crops of the synthetic scenes `regionkit synth` writes
(circles, squares, triangles on textured backgrounds) into background and the three shapes. Its
training crops are cut the way RegionKit's R-CNN cuts them (the box with 2 px of context at 32 px,
the paper's 16 px at 227, bilinear samples at pixel centres, the outside filled with the image's
mean colour) and normalised with ImageNet's mean and std, RegionKit's default for ONNX networks:

  ground-truth boxes and boxes jittered to IoU >= 0.6 with one  -> its shape
  random boxes with IoU < 0.5 with every object                  -> background

Files:

  shapes_classifier.onnx          input "input" [batch, 3, 32, 32], output "logits" [batch, 4];
                                  intermediate tensors renamed "pool5" [batch, 32, 2, 2] and
                                  "fc7" [batch, 32] (R-CNN's names for the layers it reads)
  shapes_classifier_softmax.onnx  the same with a Softmax node: output "probabilities"
  shapes_classifier.labels.txt    __background__, triangle, square, circle (the output columns,
                                  in another order than the dataset's categories on purpose)
  shapes_classifier.crops.npy     4 raw crops [4, 3, 32, 32], RGB in [0, 1] (not normalised)
  shapes_classifier.<tensor>.npy  onnxruntime's logits, fc7 and pool5 for those crops (after
                                  ImageNet normalisation), and the softmax model's probabilities
  manifest.json                   package versions, training and held-out accuracy

Training is seeded and single-threaded; the bytes are the same with the same package versions.

  bash Tools/onnx/setup.sh
  swift build --product regionkit
  Tools/onnx/.venv/bin/python Tools/onnx/make_rcnn_fixtures.py [--regionkit PATH] [--out DIR]
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import helper
from PIL import Image

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
CROP = 32
PADDING = 2  # round(32 * 16 / 227), RCNN.defaultContextPadding
LABELS = ["__background__", "triangle", "square", "circle"]
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def crop(image, box, fill):
    """RCNN.crops / Image.cropAndWarp: `box` with PADDING px of context warped to CROP x CROP."""
    height, width, _ = image.shape
    x1, y1, x2, y2 = box

    def taps(origin, extent, count):
        scale = extent / (CROP - 2 * PADDING)
        edge = origin + (np.arange(CROP) + 0.5 - PADDING) * scale
        inside = (edge >= 0) & (edge < count)
        position = np.clip(edge - 0.5, 0, count - 1)
        lower = np.floor(position).astype(int)
        upper = np.minimum(lower + 1, count - 1)
        return lower, upper, (position - lower).astype(np.float32), inside

    lx, ux, wx, ix = taps(x1, x2 - x1, width)
    ly, uy, wy, iy = taps(y1, y2 - y1, height)
    top = image[ly][:, lx] * (1 - wx)[None, :, None] + image[ly][:, ux] * wx[None, :, None]
    bottom = image[uy][:, lx] * (1 - wx)[None, :, None] + image[uy][:, ux] * wx[None, :, None]
    out = top * (1 - wy)[:, None, None] + bottom * wy[:, None, None]
    out[~(iy[:, None] & ix[None, :])] = fill
    return out.transpose(2, 0, 1)  # CHW


def iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def scenes(regionkit, folder, count, seed):
    """Writes `count` 96x96 scenes of up to 3 shapes with `regionkit synth`; returns
    [(image HWC float32 in [0, 1], [(box, shape name)])]."""
    subprocess.run([regionkit, "synth", "-o", folder, "--images", str(count), "--objects", "3",
                    "--seed", str(seed), "--size", "96x96"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(folder, "annotations.json")) as f:
        coco = json.load(f)
    names = {c["id"]: c["name"] for c in coco["categories"]}
    objects = {}
    for a in coco["annotations"]:
        x, y, w, h = a["bbox"]
        objects.setdefault(a["image_id"], []).append(((x, y, x + w, y + h), names[a["category_id"]]))
    out = []
    for entry in coco["images"]:
        pixels = Image.open(os.path.join(folder, "images", entry["file_name"])).convert("RGB")
        out.append((np.asarray(pixels, dtype=np.float32) / 255, objects.get(entry["id"], [])))
    return out


def samples(scene_list, rng):
    """Crops and labels (indices into LABELS) of every scene."""
    crops, labels = [], []
    for image, objects in scene_list:
        fill = image.reshape(-1, 3).mean(axis=0)
        size = image.shape[1]
        boxes = [box for box, _ in objects]
        for box, name in objects:
            label = LABELS.index(name)
            crops.append(crop(image, box, fill))
            labels.append(label)
            w, h = box[2] - box[0], box[3] - box[1]
            made = 0
            for _ in range(40):
                if made == 4:
                    break
                jitter = rng.uniform(-0.15, 0.15, 4) * np.array([w, h, w, h])
                candidate = tuple(np.array(box) + jitter)
                if candidate[2] - candidate[0] > 2 and candidate[3] - candidate[1] > 2 \
                        and iou(candidate, box) >= 0.6:
                    crops.append(crop(image, candidate, fill))
                    labels.append(label)
                    made += 1
        made = 0
        for _ in range(200):
            if made == 14:
                break
            w, h = rng.uniform(6, size * 0.8, 2)
            x, y = rng.uniform(-w / 4, size - 3 * w / 4), rng.uniform(-h / 4, size - 3 * h / 4)
            candidate = (x, y, x + w, y + h)
            if all(iou(candidate, box) < 0.5 for box in boxes):
                crops.append(crop(image, candidate, fill))
                labels.append(0)
                made += 1
    return np.stack(crops).astype(np.float32), np.array(labels, dtype=np.int64)


def normalise(crops):
    return ((crops - MEAN[None, :, None, None]) / STD[None, :, None, None]).astype(np.float32)


class ShapesClassifier(torch.nn.Module):
    """Conv 3x3 blocks (8, 16, 32 channels; max-pool 2 after the first two), 4x4 average pool
    ("pool5", 32x2x2), a 32-wide hidden layer ("fc7"), 4 logits."""

    def __init__(self):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.AvgPool2d(4))
        self.hidden = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(128, 32), torch.nn.ReLU())
        self.classifier = torch.nn.Linear(32, len(LABELS))

    def forward(self, x):
        return self.classifier(self.hidden(self.features(x)))


def train(crops, labels, epochs=24, seed=0):
    torch.manual_seed(seed)
    model = ShapesClassifier()
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, epochs)
    x, y = torch.from_numpy(normalise(crops)), torch.from_numpy(labels)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(y), generator=generator)
        flips = torch.rand(len(y), generator=generator) < 0.5
        for start in range(0, len(y), 128):
            index = order[start:start + 128]
            batch = x[index]
            batch = torch.where(flips[index][:, None, None, None], batch.flip(3), batch)
            loss = torch.nn.functional.cross_entropy(model(batch), y[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        schedule.step()
    model.eval()
    return model


def accuracy(model, crops, labels):
    with torch.inference_mode():
        predicted = model(torch.from_numpy(normalise(crops))).argmax(1).numpy()
    return float((predicted == labels).mean())


def export(model):
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.zeros(1, 3, CROP, CROP),), buffer, dynamo=False, opset_version=13,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    proto = onnx.load_from_string(buffer.getvalue())
    renames = {}
    for node in proto.graph.node:
        if node.op_type == "AveragePool":
            renames[node.output[0]] = "pool5"
    relus = [n for n in proto.graph.node if n.op_type == "Relu"]
    renames[relus[-1].output[0]] = "fc7"
    for node in proto.graph.node:
        node.input[:] = [renames.get(name, name) for name in node.input]
        node.output[:] = [renames.get(name, name) for name in node.output]
        del node.metadata_props[:]
        node.doc_string = ""
    del proto.metadata_props[:]
    onnx.checker.check_model(proto)
    return proto


def with_softmax(proto):
    model = onnx.ModelProto()
    model.CopyFrom(proto)
    model.graph.node.append(helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=1))
    output = model.graph.output[0]
    output.name = "probabilities"
    onnx.checker.check_model(model)
    return model


def with_outputs(proto, names):
    model = onnx.ModelProto()
    model.CopyFrom(proto)
    for name in names:
        model.graph.output.append(helper.make_empty_tensor_value_info(name))
    return model


def run(proto, crops, names):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(proto.SerializeToString(), options, providers=["CPUExecutionProvider"])
    values = session.run(names, {"input": normalise(crops)})
    return dict(zip(names, values))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regionkit", default=os.path.join(ROOT, ".build/debug/regionkit"))
    parser.add_argument("--out", default=os.path.join(ROOT, "Fixtures/onnx/rcnn"))
    args = parser.parse_args()
    if not os.access(args.regionkit, os.X_OK):
        sys.exit(f"{args.regionkit} not found: build it first (swift build --product regionkit)")
    torch.set_num_threads(1)
    rng = np.random.default_rng(23)
    with tempfile.TemporaryDirectory() as work:
        training = scenes(args.regionkit, os.path.join(work, "train"), 400, 100)
        held_out = scenes(args.regionkit, os.path.join(work, "test"), 60, 200)
    crops, labels = samples(training, rng)
    test_crops, test_labels = samples(held_out, rng)
    model = train(crops, labels)
    report = {"training_crops": int(len(labels)), "training_accuracy": accuracy(model, crops, labels),
              "held_out_crops": int(len(test_labels)),
              "held_out_accuracy": accuracy(model, test_crops, test_labels)}
    print(json.dumps(report))
    proto = export(model)
    softmax = with_softmax(proto)
    os.makedirs(args.out, exist_ok=True)
    onnx.save(proto, os.path.join(args.out, "shapes_classifier.onnx"))
    onnx.save(softmax, os.path.join(args.out, "shapes_classifier_softmax.onnx"))
    with open(os.path.join(args.out, "shapes_classifier.labels.txt"), "w") as f:
        f.write("\n".join(LABELS) + "\n")
    # Sample crops: one of each label from the held-out scenes.
    picks = [int(np.flatnonzero(test_labels == label)[0]) for label in range(len(LABELS))]
    sample = test_crops[picks]
    np.save(os.path.join(args.out, "shapes_classifier.crops.npy"), sample)
    values = run(with_outputs(proto, ["pool5", "fc7"]), sample, ["logits", "fc7", "pool5"])
    values.update(run(softmax, sample, ["probabilities"]))
    for name, value in values.items():
        np.save(os.path.join(args.out, f"shapes_classifier.{name}.npy"), value.astype(np.float32))
    with torch.inference_mode():
        reference = model(torch.from_numpy(normalise(sample))).numpy()
    print("max |onnxruntime - pytorch| of the logits:", float(np.abs(reference - values["logits"]).max()))
    manifest = {
        "generator": "Tools/onnx/make_rcnn_fixtures.py",
        "versions": {"torch": torch.__version__, "onnx": onnx.__version__, "onnxruntime": ort.__version__,
                     "numpy": np.__version__},
        "crop_size": CROP, "context_padding": PADDING, "labels": LABELS,
        "normalization": {"mean": MEAN.tolist(), "std": STD.tolist(), "channel_order": "rgb", "pixel_range": 1},
        "sample_labels": [LABELS[label] for label in test_labels[picks]],
        **report,
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
