#!/usr/bin/env python3
"""Parity of RegionKit's ONNX runtime with onnxruntime and PyTorch on torchvision classifiers.

Exports resnet18, mobilenet_v2, mobilenet_v3_small, vgg11_bn, squeezenet1_1 and
efficientnet_b0 with seeded random weights and randomised BatchNorm statistics
(torchvision_exports.py) to ONNX with a dynamic batch axis, with both PyTorch exporters: the
TorchScript one (`dynamo=False`, opset 17) and the torch.export-based one (`dynamo=True`,
opset 18), when it works. Each model then runs on the same seeded input (batch 2, 224x224) in
PyTorch (1 thread), onnxruntime (CPU provider, 1 thread) and RegionKit
(`regionkit model run MODEL.onnx --input X.npy -o Y.npy`). PyTorch's output is the reference; a
runtime passes when max |difference| <= 1e-4 * max |y| + 1e-5.

Prints a Markdown table (and writes it to --markdown) with the max |difference| of each runtime
from PyTorch, max |y| for scale, and the op counts of every export. A RegionKit that is missing
or fails shows its error in its cell; the rest of the table is still filled in.

  bash Tools/onnx/setup.sh
  Tools/onnx/.venv/bin/python Tools/onnx/torchvision_parity.py [--markdown FILE] [--models resnet18 ...]
      [--exporters torchscript dynamo] [--no-build] [--regionkit PATH] [--keep DIR]

Needs about 1.5 GB of disk for the exports (vgg11_bn is 0.5 GB per exporter) and a few minutes
on one core, plus the release build of regionkit unless --no-build.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchvision_exports  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
RELATIVE_TOLERANCE, ABSOLUTE_TOLERANCE = 1e-4, 1e-5


def build_regionkit() -> str:
    """Builds regionkit in release mode; returns "" or the reason it failed."""
    result = subprocess.run(["swift", "build", "-c", "release", "--product", "regionkit"], cwd=ROOT,
                            capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in (result.stdout + result.stderr).splitlines() if "error" in line]
        return "build failed: " + (lines[0] if lines else f"exit code {result.returncode}")
    return ""


def shown_path(path: str) -> str:
    """`path` relative to the repository, or only its name when it lies outside."""
    relative = os.path.relpath(os.path.abspath(path), ROOT)
    return os.path.basename(path) if relative.startswith("..") else relative


def run_regionkit(executable: str, model: str, input_file: str, output_file: str):
    """Runs `regionkit model run`; returns (output array or None, error text)."""
    if not os.path.exists(executable):
        return None, f"no executable at {shown_path(executable)}"
    try:
        result = subprocess.run([executable, "model", "run", model, "--input", input_file, "-o", output_file],
                                capture_output=True, text=True, timeout=1800)
    except subprocess.TimeoutExpired:
        return None, "timed out after 30 min"
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return None, f"exit code {result.returncode}: " + (lines[-1] if lines else "no message")
    try:
        return np.load(output_file), ""
    except Exception as error:
        return None, f"unreadable output: {error}"


def run_onnxruntime(model: str, x: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def compare(value, reference):
    """(max |difference|, passes) or a text explaining why there is no number."""
    if value.shape != reference.shape:
        return f"shape {list(value.shape)}, expected {list(reference.shape)}", False
    difference = float(np.max(np.abs(value.astype(np.float64) - reference)))
    tolerance = RELATIVE_TOLERANCE * float(np.max(np.abs(reference))) + ABSOLUTE_TOLERANCE
    return difference, bool(difference <= tolerance)


def cell(result) -> str:
    value, passes = result
    if isinstance(value, str):
        return value.replace("|", "\\|")
    return f"{value:.2e} {'yes' if passes else '**no**'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=torchvision_exports.MODELS)
    parser.add_argument("--exporters", nargs="+", default=torchvision_exports.EXPORTERS,
                        choices=torchvision_exports.EXPORTERS)
    parser.add_argument("--markdown", help="also write the Markdown report to this file")
    parser.add_argument("--regionkit", default=os.path.join(ROOT, ".build/release/regionkit"),
                        help="the regionkit executable (default: the release build)")
    parser.add_argument("--no-build", action="store_true", help="do not run swift build first")
    parser.add_argument("--keep", help="write the exports and arrays to this folder and keep them")
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--size", type=int, default=224)
    args = parser.parse_args()

    import onnxruntime
    import torch

    torch.set_num_threads(1)
    build_error = "" if args.no_build else build_regionkit()
    folder = args.keep or tempfile.mkdtemp(prefix="onnx-parity-")
    os.makedirs(folder, exist_ok=True)
    x = torchvision_exports.seeded_input(args.batch, args.size)
    input_file = os.path.join(folder, "input.npy")
    np.save(input_file, x)

    rows, ops = [], []
    for name in args.models:
        model = torchvision_exports.seeded_model(name)
        with torch.inference_mode():
            reference = model(torch.from_numpy(x)).numpy()
        scale = float(np.max(np.abs(reference)))
        for exporter in args.exporters:
            path = os.path.join(folder, f"{name}.{exporter}.onnx")
            row = {"model": name, "exporter": exporter, "scale": scale}
            started = time.time()
            try:
                info = torchvision_exports.export(model, path, exporter, args.batch, args.size)
            except Exception as error:
                message = f"export failed: {type(error).__name__}: {str(error).splitlines()[0][:200]}"
                row.update(opset="-", ort=(message, False), ours=(message, False), ours_vs_ort=(message, False))
                rows.append(row)
                print(f"{name} {exporter}: {message}", file=sys.stderr)
                continue
            row["opset"] = info["opset"]
            ops.append((name, exporter, info["op_counts"]))
            ort_output = run_onnxruntime(path, x)
            row["ort"] = compare(ort_output, reference)
            if build_error:
                ours, error = None, build_error
            else:
                ours, error = run_regionkit(args.regionkit, path, input_file,
                                            os.path.join(folder, f"{name}.{exporter}.regionkit.npy"))
            row["ours"] = compare(ours, reference) if ours is not None else (error, False)
            row["ours_vs_ort"] = (compare(ours, ort_output) if ours is not None else (error, False))
            rows.append(row)
            print(f"{name} {exporter}: exported and run in {time.time() - started:.0f} s", file=sys.stderr)
            if not args.keep:
                os.remove(path)
        del model

    lines = [
        f"Inputs: seeded N(0, 1), batch {args.batch}, {args.size}x{args.size}. Reference: PyTorch "
        f"{torch.__version__.split('+')[0]} (1 thread). onnxruntime {onnxruntime.__version__} "
        "(CPU provider, 1 thread). Each cell: max |difference| and whether it is within "
        f"{RELATIVE_TOLERANCE:g} * max |y| + {ABSOLUTE_TOLERANCE:g}.",
        "",
        "| model | exporter | opset | max \\|y\\| | onnxruntime - PyTorch | RegionKit - PyTorch "
        "| RegionKit - onnxruntime |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(f"| {row['model']} | {row['exporter']} | {row['opset']} | {row['scale']:.3g} | "
                     f"{cell(row['ort'])} | {cell(row['ours'])} | {cell(row['ours_vs_ort'])} |")
    lines += ["", "Ops in each export:", "", "| model | exporter | ops |", "|---|---|---|"]
    for name, exporter, counts in ops:
        text = ", ".join(f"{op} {count}" for op, count in counts.items())
        lines.append(f"| {name} | {exporter} | {text} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.markdown:
        with open(args.markdown, "w") as handle:
            handle.write(report)
    if not args.keep:
        for file in os.listdir(folder):
            os.remove(os.path.join(folder, file))
        os.rmdir(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
