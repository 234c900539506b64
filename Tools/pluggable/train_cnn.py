"""Trains a small R-CNN region classifier from scratch in PyTorch on the CPU and exports it to
ONNX for RegionKit (`train rcnn --classifier onnx`, `--classifier command`, and as a Fast R-CNN
backbone).

R-CNN fine-tuning (Girshick et al. 2014, §2.3): every proposal of a training image (the best
2000 of the proposals file, as RegionKit's R-CNN reads it) is warped with context into an S x S
crop exactly as RegionKit's `cropAndWarp` (default S = 64, 5 px of context, the outside filled
with the image's mean colour); a ground-truth box or a proposal with IoU >= 0.5 to one is
foreground of that box's class, everything else background. Each epoch draws, per image, up to
32 foreground regions (ground truth first) and 96 background ones (seeded by seed and epoch),
mirrors half of them, and trains softmax cross-entropy over [background, classes...] plus
smooth-L1 (beta 1) on class-specific box deltas in RegionKit's `BoxCoder` encoding (weights 10,
10, 5, 5), summed over foreground rows and divided by the batch size. Adam with one warm-up
epoch and cosine decay. The training images are RegionKit's training split (`DatasetSplit`
with the same fraction and seed), so the validation images are never seen.

The network takes ImageNet-normalised RGB (`x * (1 / std) - mean / std`, RegionKit's default
for ONNX networks) and answers softmax probabilities `[N, K + 1]` (column 0 background) and box
deltas `[N, 4 (K + 1)]`. Its input has dynamic batch, height and width: the classifier needs
S x S crops; the convolutional part runs on any image (the Fast R-CNN backbone).

Writes into OUT: `net.onnx`, `labels.txt` (`__background__` then the class names, one per
output column), `net.json` (crop size, padding, normalisation, output and feature tensor names,
training settings, seconds, split) and `net.pt` (the PyTorch state dict).

Run with Tools/pluggable/.venv (setup.sh):
    python train_cnn.py DATASET --proposals proposals.jsonl -o OUT [--epochs 8] [--seed 0]
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_names import rename_tensor  # noqa: E402
from rkpy import boxes as B  # noqa: E402
from rkpy import imaging  # noqa: E402
from rkpy.data import DataError, ProposalFile, read_voc  # noqa: E402
from rkpy.normalization import IMAGENET_MEAN, IMAGENET_STD, normalize  # noqa: E402
from rkpy.split import dataset_split  # noqa: E402

BACKGROUND = "__background__"


def build_network(classes: int, width: int = 24, crop_size: int = 64):
    """Three conv + BatchNorm + ReLU blocks with 2x2 max-pooling, `width`, 2x and 4x channels:
    a 5x5 stride-2 convolution, two 3x3 ones (stride 8 after the third, 16 after its pooling),
    then a 256-wide hidden layer with dropout and two heads (class scores, box deltas)."""
    from torch import nn

    def block(cin, cout, kernel=3, stride=1):
        return [nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False),
                nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]

    class RegionNet(nn.Module):
        def __init__(self):
            super().__init__()
            c = [width, 2 * width, 4 * width]
            self.features = nn.Sequential(
                *block(3, c[0], 5, 2), nn.MaxPool2d(2),
                *block(c[0], c[1]), nn.MaxPool2d(2),
                *block(c[1], c[2]), nn.MaxPool2d(2))
            self.hidden = nn.Sequential(nn.Flatten(), nn.Linear(c[2] * (crop_size // 16) ** 2, 256),
                                        nn.ReLU(inplace=True), nn.Dropout(0.5))
            self.scores = nn.Linear(256, classes + 1)
            self.deltas = nn.Linear(256, 4 * (classes + 1))

        def forward(self, x):
            h = self.hidden(self.features(x))
            return self.scores(h), self.deltas(h)

    return RegionNet()


def export_onnx(model, path: str, crop_size: int, opset: int = 17) -> dict:
    """Exports `model` (eval mode) with softmax applied; returns tensor names and op counts."""
    import collections
    import contextlib
    import io
    import warnings

    import onnx
    import torch

    class WithSoftmax(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            scores, deltas = self.inner(x)
            return torch.softmax(scores, dim=1), deltas

    wrapped = WithSoftmax(model).eval()
    example = torch.zeros(2, 3, crop_size, crop_size)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapped, (example,), path, dynamo=False, opset_version=opset,
            input_names=["input"], output_names=["probabilities", "box_deltas"],
            dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"},
                          "probabilities": {0: "batch"}, "box_deltas": {0: "batch"}})
    proto = onnx.load(path)
    # Short names for the backbone cuts: the feature map fed to Flatten ("pool3", stride 16)
    # and the ReLU before the last pooling ("conv3", stride 8).
    flatten = next(n for n in proto.graph.node if n.op_type == "Flatten")
    pool_node = next(n for n in proto.graph.node if flatten.input[0] in n.output)
    rename_tensor(proto, pool_node.input[0], "conv3")
    rename_tensor(proto, flatten.input[0], "pool3")
    onnx.checker.check_model(proto)
    onnx.save(proto, path)
    counts = collections.Counter(n.op_type for n in proto.graph.node)
    return {"op_counts": dict(sorted(counts.items())), "opset": opset}


def training_regions(image, pixels, proposals, max_proposals, positive_iou=0.5):
    """R-CNN fine-tuning regions of one image: boxes, labels (0 background), targets."""
    boxes = proposals.boxes(image.file_name, pixels.shape[1], pixels.shape[0], max_proposals)
    sx = np.float32(pixels.shape[1]) / np.float32(max(image.width, 1))
    sy = np.float32(pixels.shape[0]) / np.float32(max(image.height, 1))
    truth = (image.boxes * np.array([sx, sy, sx, sy], dtype=np.float32)).astype(np.float32)
    labels_truth = np.array(image.category_ids, dtype=np.int64)
    regions = np.concatenate([truth, boxes]).astype(np.float32)
    labels = np.zeros(len(regions), dtype=np.int64)
    targets = np.zeros((len(regions), 4), dtype=np.float32)
    labels[:len(truth)] = labels_truth
    if len(truth):
        targets[:len(truth)] = B.encode(truth, truth)
        if len(boxes):
            overlaps = B.iou_matrix(boxes, truth)
            best = np.argmax(overlaps, axis=1)  # first best, as RegionKit's strict '>' scan
            best_iou = overlaps[np.arange(len(boxes)), best]
            positive = best_iou >= np.float32(positive_iou)
            rows = np.flatnonzero(positive) + len(truth)
            labels[rows] = labels_truth[best[positive]]
            targets[rows] = B.encode(truth[best[positive]], boxes[positive])
    return regions, labels, targets, len(truth)


def sample_epoch(images, rng, foreground, background):
    """Per image: up to `foreground` regions (ground truth first, then shuffled proposals with
    IoU >= 0.5) and up to `background` shuffled background proposals."""
    picks = []
    for index, (_, regions, labels, _, truth_count) in enumerate(images):
        fg = np.flatnonzero(labels[truth_count:] > 0) + truth_count
        bg = np.flatnonzero(labels == 0)
        fg = np.concatenate([np.arange(truth_count), rng.permutation(fg)])[:foreground]
        bg = rng.permutation(bg)[:background]
        picks += [(index, r) for r in np.concatenate([fg, bg]).astype(np.int64)]
    return picks


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", help="Pascal VOC folder (annotations/ + images/).")
    parser.add_argument("--proposals", required=True, help="The `regionkit propose` .jsonl file.")
    parser.add_argument("-o", "--output", required=True, help="Output folder.")
    parser.add_argument("--crop-size", type=int, default=64, help="Crop side. Default: 64.")
    parser.add_argument("--max-proposals", type=int, default=2000, help="Proposals per image. Default: 2000.")
    parser.add_argument("--epochs", type=int, default=8, help="Default: 8.")
    parser.add_argument("--batch-size", type=int, default=128, help="Regions per step. Default: 128.")
    parser.add_argument("--learning-rate", type=float, default=2e-3, help="Peak Adam rate. Default: 2e-3.")
    parser.add_argument("--weight-decay", type=float, default=1e-4, help="Default: 1e-4.")
    parser.add_argument("--width", type=int, default=24, help="Channels of the first block. Default: 24.")
    parser.add_argument("--foreground", type=int, default=32, help="Foreground regions per image and epoch. Default: 32.")
    parser.add_argument("--background", type=int, default=96, help="Background regions per image and epoch. Default: 96.")
    parser.add_argument("--box-weight", type=float, default=1.0, help="Weight of the box loss. Default: 1.")
    parser.add_argument("--validation-fraction", type=float, default=0.2,
                        help="Held out as RegionKit's DatasetSplit (never trained on). Default: 0.2.")
    parser.add_argument("--seed", type=int, default=0, help="Split, weights, sampling and flips. Default: 0.")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch threads. Default: 2.")
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset. Default: 17.")
    args = parser.parse_args()
    checks = [("--crop-size", args.crop_size, 16, 512), ("--max-proposals", args.max_proposals, 1, 100000),
              ("--epochs", args.epochs, 1, 1000), ("--batch-size", args.batch_size, 2, 65536),
              ("--width", args.width, 1, 512), ("--foreground", args.foreground, 1, 100000),
              ("--background", args.background, 0, 100000), ("--threads", args.threads, 1, 256),
              ("--opset", args.opset, 13, 21)]
    for name, value, low, high in checks:
        if not low <= value <= high:
            parser.error(f"{name} must be between {low} and {high}, got {value}")
    if args.crop_size % 16:
        parser.error(f"--crop-size must be a multiple of 16 (the stride of the feature map flattened), got {args.crop_size}")
    if not 0 <= args.validation_fraction <= 0.99:
        parser.error(f"--validation-fraction must be in [0, 0.99], got {args.validation_fraction}")
    if not (0 < args.learning_rate <= 10 and 0 <= args.weight_decay <= 10 and 0 <= args.box_weight <= 1000):
        parser.error("--learning-rate must be in (0, 10], --weight-decay in [0, 10], --box-weight in [0, 1000]")

    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    started = time.perf_counter()
    cpu_started = time.process_time()
    try:
        dataset = read_voc(args.dataset)
        proposals = ProposalFile(args.proposals)
    except (DataError, OSError) as error:
        sys.exit(f"train_cnn: {error}")
    classes = [name for _, name in dataset.categories]
    if [cid for cid, _ in dataset.categories] != list(range(1, len(classes) + 1)):
        sys.exit("train_cnn: category ids must be 1...K")
    train_index, validation_index = dataset_split(len(dataset.images), args.validation_fraction, args.seed)
    padding = imaging.context_padding(args.crop_size)

    # Decode the training images once; keep pixels, fill colour and labelled regions.
    images = []
    for i in train_index:
        image = dataset.images[i]
        pixels = imaging.decode(dataset.path(image))
        try:
            regions, labels, targets, truth_count = training_regions(image, pixels, proposals, args.max_proposals)
        except DataError as error:
            sys.exit(f"train_cnn: {error}")
        images.append(((pixels, imaging.mean_color(pixels)), regions, labels, targets, truth_count))
    prepared = time.perf_counter()
    foreground_total = sum(int((labels > 0).sum()) for _, _, labels, _, _ in images)
    print(f"{len(images)} training images ({len(validation_index)} held out), "
          f"{sum(len(r) for _, r, _, _, _ in images)} regions ({foreground_total} foreground), "
          f"crop {args.crop_size} px with {padding} px context; prepared in {prepared - started:.1f} s", flush=True)

    model = build_network(len(classes), args.width, args.crop_size)
    for module in model.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
    torch.nn.init.normal_(model.deltas.weight, std=0.001)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=args.weight_decay)
    steps_per_epoch = None
    history = []
    crops_trained = 0
    for epoch in range(1, args.epochs + 1):
        epoch_start = time.perf_counter()
        rng = np.random.default_rng([args.seed, epoch])
        picks = sample_epoch(images, rng, args.foreground, args.background)
        order = rng.permutation(len(picks))
        flips = rng.random(len(picks)) < 0.5
        if steps_per_epoch is None:
            steps_per_epoch = math.ceil(len(picks) / args.batch_size)
            total = steps_per_epoch * args.epochs
            warmup = steps_per_epoch

            def rate(step):
                if step < warmup:
                    return 0.1 + 0.9 * step / warmup
                progress = (step - warmup) / max(total - warmup, 1)
                return 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * progress))

            scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, rate)
        # Crops of this epoch's regions, image by image.
        by_image = {}
        for position, (index, region) in enumerate(picks):
            by_image.setdefault(index, []).append((position, region))
        inputs = np.empty((len(picks), 3, args.crop_size, args.crop_size), dtype=np.float32)
        labels = np.empty(len(picks), dtype=np.int64)
        targets = np.empty((len(picks), 4), dtype=np.float32)
        for index, members in by_image.items():
            (pixels, fill), regions, region_labels, region_targets, _ = images[index]
            positions = np.array([p for p, _ in members])
            rows = np.array([r for _, r in members])
            inputs[positions] = imaging.crop_and_warp(pixels, regions[rows], args.crop_size, padding, fill)
            labels[positions] = region_labels[rows]
            targets[positions] = region_targets[rows]
        inputs[flips] = inputs[flips][..., ::-1]
        targets[flips, 0] = -targets[flips, 0]
        inputs = normalize(inputs)
        crops_done = time.perf_counter()
        model.train()
        sums = np.zeros(3)
        for first in range(0, len(order), args.batch_size):
            rows = order[first:first + args.batch_size]
            x = torch.from_numpy(np.ascontiguousarray(inputs[rows]))
            y = torch.from_numpy(labels[rows])
            t = torch.from_numpy(targets[rows])
            scores, deltas = model(x)
            classification = F.cross_entropy(scores, y)
            foreground = y > 0
            chosen = deltas.view(len(rows), -1, 4)[torch.arange(len(rows)), y][foreground]
            box = F.smooth_l1_loss(chosen, t[foreground], beta=1.0, reduction="sum") / len(rows)
            loss = classification + args.box_weight * box
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            accuracy = (scores.argmax(1) == y).float().mean().item()
            sums += np.array([classification.item(), box.item(), accuracy]) * len(rows)
        crops_trained += len(picks)
        means = sums / len(picks)
        seconds = time.perf_counter() - epoch_start
        history.append({"epoch": epoch, "classification": round(float(means[0]), 5), "box": round(float(means[1]), 5),
                        "accuracy": round(float(means[2]), 5), "regions": len(picks),
                        "crop_seconds": round(crops_done - epoch_start, 2), "seconds": round(seconds, 2)})
        print(f"epoch {epoch}/{args.epochs}: classification {means[0]:.4f} box {means[1]:.4f} "
              f"accuracy {means[2]:.3f} ({len(picks)} regions, {seconds:.1f} s)", flush=True)
    trained = time.perf_counter()
    cpu_trained = time.process_time()

    os.makedirs(args.output, exist_ok=True)
    model.eval()
    torch.save(model.state_dict(), os.path.join(args.output, "net.pt"))
    onnx_path = os.path.join(args.output, "net.onnx")
    exported = export_onnx(model, onnx_path, args.crop_size, args.opset)
    with open(os.path.join(args.output, "labels.txt"), "w", encoding="utf-8") as handle:
        handle.write("\n".join([BACKGROUND] + classes) + "\n")
    # The exported graph must agree with PyTorch.
    import onnxruntime

    (pixels, fill), regions = images[0][0], images[0][1]
    check = normalize(imaging.crop_and_warp(pixels, regions[:64], args.crop_size, padding, fill))
    with torch.no_grad():
        scores, deltas = model(torch.from_numpy(check))
        expected = (torch.softmax(scores, 1).numpy(), deltas.numpy())
    session = onnxruntime.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": check})
    difference = max(float(np.abs(a - b).max()) for a, b in zip(expected, got))
    if difference > 1e-4:
        sys.exit(f"train_cnn: onnxruntime differs from PyTorch by {difference}")
    finished = time.perf_counter()
    info = {
        "classes": classes,
        "labels": [BACKGROUND] + classes,
        "crop_size": args.crop_size,
        "context_padding": padding,
        "normalization": {"mean": list(IMAGENET_MEAN), "std": list(IMAGENET_STD), "channel_order": "rgb",
                          "pixel_range": 1},
        "input": "input",
        "outputs": {"probabilities": "probabilities", "box_deltas": "box_deltas"},
        "box_coder_weights": [10, 10, 5, 5],
        "backbone_tensors": {"conv3": f"stride 8, {4 * args.width} channels",
                             "pool3": f"stride 16, {4 * args.width} channels"},
        "onnx": {"opset": exported["opset"], "op_counts": exported["op_counts"],
                 "max_abs_difference_from_pytorch": difference},
        "training": {key: getattr(args, key) for key in (
            "epochs", "batch_size", "learning_rate", "weight_decay", "width", "foreground", "background",
            "box_weight", "validation_fraction", "seed", "threads", "max_proposals")},
        "proposals": os.path.basename(args.proposals),
        "train_images": [dataset.images[i].file_name for i in train_index],
        "validation_images": [dataset.images[i].file_name for i in validation_index],
        "history": history,
        "seconds": {"prepare": round(prepared - started, 2), "train": round(trained - prepared, 2),
                    "export": round(finished - trained, 2), "total": round(finished - started, 2),
                    "cpu_total_to_end_of_training": round(cpu_trained - cpu_started, 2)},
        "crops_trained_per_second": round(crops_trained / max(trained - prepared, 1e-9), 1),
        "versions": {"torch": torch.__version__, "onnxruntime": onnxruntime.__version__, "numpy": np.__version__},
    }
    with open(os.path.join(args.output, "net.json"), "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2)
        handle.write("\n")
    print(f"{onnx_path}: trained in {trained - prepared:.1f} s ({info['crops_trained_per_second']} crops/s), "
          f"{finished - started:.1f} s in all; onnxruntime vs PyTorch max |difference| {difference:.2e}")


if __name__ == "__main__":
    main()
