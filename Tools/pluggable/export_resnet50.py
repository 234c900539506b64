"""Exports torchvision's ResNet-50 to ONNX for RegionKit, with short names on the two tensors
the R-CNN family cuts at:

- `layer3`: the output of layer3 (conv4_x), `[N, 1024, H/16, W/16]`, a Fast / Faster R-CNN
  backbone of stride 16 (`--backbone resnet50.onnx:layer3`), as in He et al. 2016's detector;
- `pool`: the global average pool after layer4, `[N, 2048, 1, 1]`, the features of R-CNN's
  `--classifier onnx-features --model resnet50.onnx:pool` (the network's penultimate layer,
  the role fc7 plays in Girshick et al. 2014);
- `logits`: the graph output, the 1000 ImageNet classes.

The input `input` is `[N, 3, H, W]` RGB normalised with ImageNet's mean (0.485, 0.456, 0.406)
and std (0.229, 0.224, 0.225), RegionKit's default normalisation for ONNX networks; batch,
height and width are dynamic. Exported with the TorchScript exporter at opset 17 (BatchNorm
folded into the convolutions); the script checks the file against onnxruntime when it is
installed.

With internet access (the weights download once into torch's cache, ~100 MB):
    python -m venv .venv && .venv/bin/pip install torch torchvision onnx onnxruntime
    .venv/bin/python export_resnet50.py -o resnet50.onnx                   # IMAGENET1K_V2
    .venv/bin/python export_resnet50.py -o resnet50.onnx --weights IMAGENET1K_V1
Without (to try the commands; the network is then untrained):
    .venv/bin/python export_resnet50.py -o resnet50-random.onnx --weights none
"""
import argparse
import contextlib
import io
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_names import output_of_last, rename_tensor  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", required=True, help="The .onnx file to write.")
    parser.add_argument("--weights", default="IMAGENET1K_V2",
                        help="A torchvision ResNet50_Weights name (IMAGENET1K_V1, IMAGENET1K_V2, DEFAULT), "
                             "or none for seeded random weights. Default: IMAGENET1K_V2.")
    parser.add_argument("--opset", type=int, default=17, help="ONNX opset (11-21). Default: 17.")
    parser.add_argument("--size", type=int, default=224, help="Side of the example input used to trace. Default: 224.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the random weights of --weights none. Default: 0.")
    args = parser.parse_args()
    if not 11 <= args.opset <= 21:
        parser.error(f"--opset must be between 11 and 21, got {args.opset}")
    if not 32 <= args.size <= 4096:
        parser.error(f"--size must be between 32 and 4096, got {args.size}")

    import onnx
    import torch
    import torchvision

    if args.weights.lower() == "none":
        torch.manual_seed(args.seed)
        weights = None
    else:
        try:
            weights = torchvision.models.ResNet50_Weights[args.weights]
        except KeyError:
            allowed = ", ".join(w.name for w in torchvision.models.ResNet50_Weights)
            parser.error(f"--weights {args.weights}: allowed {allowed}, DEFAULT or none")
    model = torchvision.models.resnet50(weights=weights).eval()
    example = torch.zeros(1, 3, args.size, args.size)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (example,), args.output, dynamo=False, opset_version=args.opset,
            input_names=["input"], output_names=["logits"],
            dynamic_axes={"input": {0: "batch", 2: "height", 3: "width"}, "logits": {0: "batch"}})
    proto = onnx.load(args.output)
    rename_tensor(proto, output_of_last(proto, "/layer3/"), "layer3")
    rename_tensor(proto, output_of_last(proto, "/avgpool/", "GlobalAveragePool"), "pool")
    onnx.checker.check_model(proto)
    onnx.save(proto, args.output)

    summary = {"file": args.output, "weights": args.weights, "opset": args.opset, "input": "input",
               "normalization": {"mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                                 "channel_order": "rgb", "pixel_range": 1},
               "tensors": {"layer3": "stride 16, 1024 channels (Fast / Faster R-CNN backbone)",
                           "pool": "[N, 2048, 1, 1] global average pool (R-CNN onnx-features)",
                           "logits": "[N, 1000] ImageNet logits"}}
    try:
        import numpy as np
        import onnxruntime

        probe = np.random.default_rng(args.seed).standard_normal((2, 3, 160, 224)).astype(np.float32)
        copy = onnx.load(args.output)
        for name in ("layer3", "pool"):
            copy.graph.output.append(onnx.helper.make_empty_tensor_value_info(name))
        session = onnxruntime.InferenceSession(copy.SerializeToString(), providers=["CPUExecutionProvider"])
        logits, layer3, pool = session.run(["logits", "layer3", "pool"], {"input": probe})
        with torch.no_grad():
            expected = model(torch.from_numpy(probe)).numpy()
        difference = float(np.abs(logits - expected).max())
        summary["check"] = {"input_shape": list(probe.shape), "layer3_shape": list(layer3.shape),
                            "pool_shape": list(pool.shape),
                            "max_abs_logit_difference_from_pytorch": difference}
        if difference > 1e-3 * max(1.0, float(np.abs(expected).max())):
            sys.exit(f"export_resnet50: onnxruntime differs from PyTorch by {difference}")
    except ImportError:
        summary["check"] = "onnxruntime not installed: not checked"
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
