#!/usr/bin/env python3
"""Writes the PyTorch round-trip fixture for RegionKit's NeuralNet module (Fixtures/nn/).

Builds a small CNN whose state_dict names match RegionKit's `Sequential(named:)` model,
trains it briefly so BatchNorm's running statistics are not trivial, then saves:

  small_cnn.safetensors             the state_dict (F32)
  small_cnn_io.safetensors          eval-mode input/output pairs, plus one training batch
  small_cnn_after_step.safetensors  the state_dict after one SGD step (lr 0.1, momentum 0.9,
                                    weight decay 1e-4) on that batch in training mode

Run with Tools/peers/.venv (see Tools/peers/setup_torch.sh):
  Tools/peers/.venv/bin/python Tools/torch_roundtrip/make_fixture.py [output_dir]
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file


def small_cnn() -> nn.Module:
    model = nn.Module()
    model.features = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, stride=2, padding=2, dilation=2),
        nn.GroupNorm(4, 16),
        nn.LeakyReLU(0.1),
        nn.AdaptiveAvgPool2d((2, 2)),
    )
    model.classifier = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 5))
    model.forward = lambda x: model.classifier(model.features(x))
    return model


def main() -> None:
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../Fixtures/nn")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = small_cnn()
    # A few training steps so the BatchNorm and GroupNorm affine parameters and running
    # statistics move away from their initial values.
    warmup = torch.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(5):
        x = torch.randn(8, 3, 16, 16)
        y = torch.randint(0, 5, (8,))
        warmup.zero_grad()
        F.cross_entropy(model(x), y).backward()
        warmup.step()
    state = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(out_dir, "small_cnn.safetensors"), metadata={"format": "pt"})

    model.eval()
    inputs = torch.randn(4, 3, 16, 16)
    with torch.no_grad():
        outputs = model(inputs)
    train_x = torch.randn(6, 3, 16, 16)
    train_y = torch.tensor([0, 1, 2, 3, 4, 1])
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    optimizer.zero_grad()
    loss = F.cross_entropy(model(train_x), train_y)
    loss.backward()
    optimizer.step()
    save_file(
        {
            "input": inputs.contiguous(),
            "output": outputs.contiguous(),
            "train_input": train_x.contiguous(),
            "train_labels": train_y.float(),
            "train_loss": loss.detach().reshape(1),
        },
        os.path.join(out_dir, "small_cnn_io.safetensors"),
    )
    after = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
    save_file(after, os.path.join(out_dir, "small_cnn_after_step.safetensors"))
    print(f"wrote {out_dir}: {len(state)} tensors, loss {loss.item():.6f}")


if __name__ == "__main__":
    main()
