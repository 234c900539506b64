#!/usr/bin/env python3
"""Loads a state_dict that RegionKit wrote (safetensors) back into the PyTorch model and
checks it against PyTorch's own result (the "and back" half of the round trip).

  Tools/peers/.venv/bin/python Tools/torch_roundtrip/check_swift_export.py EXPORTED.safetensors

Compares every tensor with Fixtures/nn/small_cnn_after_step.safetensors and the eval-mode
outputs of both models on the fixture inputs; exits 1 when a difference exceeds 1e-4.
"""
import os
import sys

import torch
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(__file__))
from make_fixture import small_cnn  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "../../Fixtures/nn")


def main() -> int:
    exported = load_file(sys.argv[1])
    reference = load_file(os.path.join(FIXTURES, "small_cnn_after_step.safetensors"))
    io = load_file(os.path.join(FIXTURES, "small_cnn_io.safetensors"))
    worst = 0.0
    for name, tensor in reference.items():
        worst = max(worst, (exported[name] - tensor).abs().max().item())
    ours, theirs = small_cnn(), small_cnn()
    # strict=True: the names and shapes RegionKit wrote are exactly PyTorch's.
    ours.load_state_dict({k: v.to(theirs.state_dict()[k].dtype) for k, v in exported.items()}, strict=True)
    theirs.load_state_dict({k: v.to(theirs.state_dict()[k].dtype) for k, v in reference.items()}, strict=True)
    ours.eval()
    theirs.eval()
    with torch.no_grad():
        output_diff = (ours(io["input"]) - theirs(io["input"])).abs().max().item()
    print(f"max |weight difference| {worst:.3g}, max |output difference| {output_diff:.3g}")
    return 0 if worst <= 1e-4 and output_diff <= 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
