"""Seeded torchvision classifiers and their ONNX exports, shared by torchvision_parity.py and
speed.py (run with Tools/onnx/.venv, see setup.sh).

Weights are random (`weights=None` under `torch.manual_seed`), and every BatchNorm gets random
running statistics and affine parameters too, so that no BatchNorm is the identity. Models are
in eval mode.
"""
import collections
import contextlib
import io
import warnings

MODELS = ["resnet18", "mobilenet_v2", "mobilenet_v3_small", "vgg11_bn", "squeezenet1_1", "efficientnet_b0"]
EXPORTERS = ["torchscript", "dynamo"]
# torch.onnx.export's options per exporter: the TorchScript one at opset 17, the
# torch.export-based one (the default of current PyTorch) at the lowest opset it supports.
OPSETS = {"torchscript": 17, "dynamo": 18}


def seeded_model(name: str, seed: int = 0):
    import torch
    import torchvision

    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.running_mean.normal_(0, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0, 0.1)
    return model.eval()


def seeded_input(batch: int, size: int = 224, seed: int = 0):
    """A float32 NCHW numpy array of N(0, 1) values."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    return torch.randn(batch, 3, size, size, generator=generator).numpy()


def _scrub(model):
    """Drops the node metadata the torch.export-based exporter writes (Python stack traces with
    this machine's file paths, FX node text)."""
    for node in model.graph.node:
        del node.metadata_props[:]
        node.doc_string = ""
    return model


def export(model, path: str, exporter: str, batch: int = 2, size: int = 224) -> dict:
    """Writes `model` to `path` as ONNX with a dynamic batch axis (input "input", output
    "output"); returns the opset and the op counts."""
    import onnx
    import torch

    example = (torch.zeros(batch, 3, size, size),)
    opset = OPSETS[exporter]
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if exporter == "torchscript":
            torch.onnx.export(model, example, path, dynamo=False, opset_version=opset,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
            proto = onnx.load(path)
        elif exporter == "dynamo":
            from torch.export import Dim

            program = torch.onnx.export(model, example, dynamo=True, opset_version=opset,
                                        input_names=["input"], output_names=["output"],
                                        dynamic_shapes=({0: Dim("batch", min=1, max=1024)},))
            proto = _scrub(program.model_proto)
            onnx.save(proto, path)
        else:
            raise ValueError(f"unknown exporter {exporter}")
    counts = collections.Counter(node.op_type for node in proto.graph.node)
    return {"opset": opset, "op_counts": dict(sorted(counts.items()))}
